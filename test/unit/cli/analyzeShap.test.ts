/**
 * `radstudy analyze spec.json --data table.csv` with an `explain` step: the summary names the SHAP
 * method chosen per model kind (exact linear SHAP for logistic regression, exact TreeSHAP on the
 * log-odds scale for gradient boosting, Kernel SHAP on the probability scale for kNN) and lists
 * the largest mean |SHAP|;
 * the JSON written with --out holds the values, which add up (base + Σφ) to the model's stored
 * test prediction on that scale within 1e-8 (local accuracy; TreeSHAP is checked against brute
 * force in test/unit/ml/treeShap.test.ts).
 */
import { Command } from 'commander';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { registerAnalyzeCommand, type AnalyzeIo } from '../../../main/cli/analyze.js';
import { Rng } from '../../../main/compute/stats/random.js';
import { tmpDir } from '../../helpers/tmp.js';

const t = tmpDir('radstudy-analyze-shap-');
afterAll(() => t.cleanup());

describe('radstudy analyze with explain', () => {
  it('prints the SHAP method per model and stores locally accurate values', async () => {
    const rng = new Rng(12);
    const lines = ['patient,y,a,b,c'];
    for (let i = 0; i < 160; i++) {
      const f = [rng.nextDouble() * 2 - 1, rng.nextDouble() * 2 - 1, rng.nextDouble() * 2 - 1];
      const y = rng.nextDouble() < 1 / (1 + Math.exp(-(2 * f[0]! - 1.5 * f[1]! * (f[2]! > 0 ? 1 : 0)))) ? 1 : 0;
      lines.push([`P${i}`, y, ...f.map((v) => v.toFixed(6))].join(','));
    }
    const data = path.join(t.dir, 'table.csv');
    writeFileSync(data, lines.join('\n') + '\n');
    const specFile = path.join(t.dir, 'spec.json');
    writeFileSync(
      specFile,
      JSON.stringify({
        version: 1,
        name: 'SHAP by kind',
        columns: { patient: 'patient' },
        outcome: { column: 'y', positive: '1' },
        split: { method: 'random', testFraction: 0.25 },
        cv: { method: 'kfold', k: 3, repeats: 1 },
        models: [
          { name: 'LR', kind: 'logistic' },
          { name: 'GB', kind: 'gradient_boosting', params: { n_estimators: 20, max_depth: 2 } },
          { name: 'kNN', kind: 'knn', params: { n_neighbors: 9 } },
        ],
        explain: { background: 20, permutationRepeats: 2 },
        seed: 3,
      }),
    );
    const out = path.join(t.dir, 'result.json');
    const r = { code: 0, out: '', err: '' };
    const io: AnalyzeIo = {
      out: (s) => void (r.out += s),
      err: (s) => void (r.err += s),
      setExitCode: (c) => void (r.code = c),
      version: 'test',
    };
    const program = new Command().exitOverride();
    registerAnalyzeCommand(program, io);
    await program.parseAsync(['analyze', specFile, '--data', data, '--out', out], { from: 'user' });
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/SHAP \(LR\): linear-exact, log-odds, test set of \d+; mean \|SHAP\|: a \d\.\d{3}/);
    expect(r.out).toMatch(/SHAP \(GB\): tree-exact, log-odds, test set of \d+; mean \|SHAP\|: a \d\.\d{3}/);
    expect(r.out).toMatch(/SHAP \(kNN\): kernel-exact, probability, test set of \d+; mean \|SHAP\|: \w \d\.\d{3}/);
    const result = JSON.parse(readFileSync(out, 'utf8')) as {
      rows: { ids: string[] };
      models: {
        name: string;
        predictions: { test: (number | null)[] };
        explanation: { rows: string[]; scale: string; baseValue: number; shap: number[][] };
      }[];
    };
    for (const m of result.models) {
      const e = m.explanation;
      e.rows.forEach((id, k) => {
        const prob = m.predictions.test[result.rows.ids.indexOf(id)]!;
        const p = Math.min(1 - 1e-9, Math.max(1e-9, prob));
        const out = e.scale === 'probability' ? prob : Math.log(p / (1 - p));
        expect(Math.abs(e.baseValue + e.shap[k]!.reduce((a, b) => a + b, 0) - out), m.name).toBeLessThan(1e-8);
      });
    }
  });
});
