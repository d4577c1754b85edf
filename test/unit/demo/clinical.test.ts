import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { generateCohort } from '../../../main/compute/demo/clinical.js';
import type { DemoLesion } from '../../../main/compute/demo/clinical.js';
import { clinicalCsv, clinicalMapping } from '../../../main/compute/demo/clinicalCsv.js';
import { Rng } from '../../../main/compute/demo/random.js';
import { deriveHer2 } from '../../../main/services/cohort/her2.js';
import { createServices, type Services } from '../../../main/services/index.js';
import { writeFileSync } from 'node:fs';
import { tmpDir } from '../../helpers/tmp.js';

/** Mann–Whitney AUC: P(score of a positive > score of a negative), ties count ½. */
function auc(scores: number[], labels: boolean[]): number {
  let wins = 0;
  let pairs = 0;
  scores.forEach((s, i) => {
    if (!labels[i]) return;
    scores.forEach((t, j) => {
      if (labels[j]) return;
      pairs++;
      wins += s > t ? 1 : s === t ? 0.5 : 0;
    });
  });
  return wins / pairs;
}

const median = (x: number[]): number => [...x].sort((a, b) => a - b)[x.length >> 1]!;

describe('seeded random numbers', () => {
  it('repeats a stream for the same seed and label, and differs across labels', () => {
    const a = Rng.derive(5, 'x', 1);
    const b = Rng.derive(5, 'x', 1);
    const c = Rng.derive(5, 'x', 2);
    const xa = Array.from({ length: 8 }, () => a.nextUint32());
    expect(Array.from({ length: 8 }, () => b.nextUint32())).toEqual(xa);
    expect(Array.from({ length: 8 }, () => c.nextUint32())).not.toEqual(xa);
  });

  it('draws standard normals with mean 0 and SD 1 (tolerance 0.02 at n = 100,000)', () => {
    const r = new Rng(42);
    let s = 0;
    let s2 = 0;
    const n = 100_000;
    for (let i = 0; i < n; i++) {
      const z = r.normal();
      s += z;
      s2 += z * z;
    }
    expect(Math.abs(s / n)).toBeLessThan(0.02);
    expect(Math.abs(Math.sqrt(s2 / n) - 1)).toBeLessThan(0.02);
  });
});

describe('demo clinical table', () => {
  it('is deterministic in the seed', () => {
    expect(clinicalCsv(generateCohort(3, 40))).toBe(clinicalCsv(generateCohort(3, 40)));
    expect(clinicalCsv(generateCohort(4, 40))).not.toBe(clinicalCsv(generateCohort(3, 40)));
    // A patient does not depend on how many patients are generated.
    expect(generateCohort(3, 10)[7]).toEqual(generateCohort(3, 40)[7]);
  });

  const cohort = generateCohort(11, 1000);
  const lesions: DemoLesion[] = cohort.flatMap((p) => p.lesions);

  it('gives IHC/ISH results whose ASCO/CAP derivation (her2.ts) is the planted HER2 class', () => {
    for (const l of lesions) {
      const d = deriveHer2({ ihc: l.her2Ihc, ish: l.her2Ish, ishRatio: l.ishRatio, ishCopyNumber: l.ishCopies });
      expect(d.status).toBe(l.her2Ish === 'equivocal' ? null : l.her2Class);
    }
    const ihc2 = lesions.filter((l) => l.her2Ihc === '2+');
    expect(ihc2.some((l) => l.her2Ish === 'equivocal')).toBe(true);
    expect(ihc2.some((l) => l.her2Ish === 'amplified')).toBe(true);
    expect(ihc2.some((l) => l.her2Ish === 'not_amplified')).toBe(true);
  });

  it('has about 10 % of patients with a second (bilateral or multifocal) lesion', () => {
    const multi = cohort.filter((p) => p.lesions.length > 1);
    expect(multi.length / cohort.length).toBeGreaterThan(0.06);
    expect(multi.length / cohort.length).toBeLessThan(0.14);
    expect(multi.some((p) => p.lesions[0]!.side !== p.lesions[1]!.side)).toBe(true);
    expect(multi.some((p) => p.lesions[1]!.multifocalGroup === 'M1')).toBe(true);
  });

  it('plants the seed studies’ associations: HER2-low more often HR+, with lower Ki-67', () => {
    const by = (c: DemoLesion['her2Class']) => lesions.filter((l) => l.her2Class === c);
    const hrRate = (ls: DemoLesion[]) => ls.filter((l) => l.erPct >= 1).length / ls.length;
    expect(hrRate(by('low'))).toBeGreaterThan(hrRate(by('zero')) + 0.15);
    expect(median(by('low').map((l) => l.ki67Pct))).toBeLessThan(median(by('positive').map((l) => l.ki67Pct)));
    expect(median(by('low').map((l) => l.ki67Pct))).toBeLessThan(median(by('zero').map((l) => l.ki67Pct)));
  });

  it('makes pCR likelier in HER2-positive tumours after neoadjuvant therapy, and events follow stage', () => {
    const nat = cohort.filter((p) => p.neoadjuvant);
    const rate = (ps: typeof nat) => ps.filter((p) => p.pcr).length / ps.length;
    const her2pos = nat.filter((p) => p.lesions[0]!.her2Class === 'positive');
    const luminal = nat.filter((p) => p.lesions[0]!.her2Class !== 'positive' && p.lesions[0]!.erPct >= 1);
    expect(rate(her2pos)).toBeGreaterThan(rate(luminal) + 0.2);
    expect(cohort.every((p) => (p.pcr === null) === !p.neoadjuvant)).toBe(true);
    const eventRate = (stage: string) => {
      const ps = cohort.filter((p) => p.lesions[0]!.clinicalStage === stage);
      return ps.filter((p) => p.pfsEvent).length / ps.length;
    };
    expect(eventRate('III')).toBeGreaterThan(eventRate('I'));
    expect(cohort.every((p) => p.pfsMonths <= p.osMonths + 1e-9)).toBe(true);
  });

  it('plants a real but imperfect signal: a simple semantic score separates HER2+ with AUC 0.65–0.90', () => {
    // Score = TIC type + edema + Ki-67/20 − spiculated margin (no fitting; signs from the seeds).
    const score = lesions.map(
      (l) => ['I', 'II', 'III'].indexOf(l.ticType) + (l.edema ? 1 : 0) + l.ki67Pct / 20 - (l.massMargin === 'spiculated' ? 1 : 0),
    );
    const a = auc(
      score,
      lesions.map((l) => l.her2Class === 'positive'),
    );
    expect(a).toBeGreaterThan(0.65);
    expect(a).toBeLessThan(0.9);
  });
});

describe('demo clinical CSV import', () => {
  let t: ReturnType<typeof tmpDir>;
  let s: Services;
  beforeEach(async () => {
    t = tmpDir();
    s = createServices({ mode: 'test', configDir: t.dir });
    await s.study.create(path.join(t.dir, 'demo.radstudy'), 'Demo');
  });
  afterEach(async () => {
    await s.shutdown();
    t.cleanup();
  });

  it('imports 60 patients with no problems, and the derived HER2 status has all three classes', async () => {
    const file = path.join(t.dir, 'clinical.csv');
    const cohort = generateCohort(2025, 60);
    writeFileSync(file, clinicalCsv(cohort));
    const preview = await s.cohort.preview(file, clinicalMapping());
    expect(preview.problems).toEqual([]);
    expect(preview.ignoredColumns).toEqual([]);
    const { preview: committed } = await s.cohort.commit(file, clinicalMapping());
    expect(committed.ok).toBe(true);
    const table = s.cohort.table();
    const col = table.columns.findIndex((c) => c.key === 'her2_status');
    const statuses = new Set(table.rows.map((r) => r[col]));
    expect(statuses).toContain('positive');
    expect(statuses).toContain('low');
    expect(statuses).toContain('zero');
    expect(table.rows.length).toBe(cohort.reduce((n, p) => n + p.lesions.length, 0));
  });
});
