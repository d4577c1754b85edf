/**
 * Study figures of an analysis (main/report/survival.ts, correlation.ts, flow.ts, checklist.ts,
 * charts/study.ts). References:
 * - Kaplan–Meier curves, Greenwood/log CIs and the log-rank test against R 4 survival 3.5-3
 *   (test/fixtures/r/km_fixture.R: survfit(Surv(time, event) ~ group), survdiff), tolerance 1e-8;
 * - Pearson and Spearman correlations against R cor() on the same script's matrix, tolerance 1e-12;
 * - number at risk, flow counts and checklist statuses counted by hand from the fixture (exact).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AnalysisResult } from '../../../main/compute/ml/analysis.js';
import { loadAnalysisTable, type AnalysisTable } from '../../../main/report/analysisTable.js';
import { correlationOption, kaplanMeierOption } from '../../../main/report/charts/study.js';
import { reportingChecklist, summarizeFeatureNames } from '../../../main/report/checklist.js';
import { clusterOrder, correlationFigure, correlationMatrix } from '../../../main/report/correlation.js';
import { flowDiagramSvg, studyFlow } from '../../../main/report/flow.js';
import { renderSvg } from '../../../main/report/render.js';
import { atRiskTimes, kaplanMeierFigure } from '../../../main/report/survival.js';
import { tmpDir } from '../../helpers/tmp.js';
import { runFixture } from './fixture.js';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';

// R: test/fixtures/r/km_fixture.R
const TIME = [2, 3, 3, 5, 6, 6, 6, 8, 9, 11, 12, 12, 14, 15, 17, 18, 20, 22, 24, 30];
const EVENT = [1, 1, 0, 1, 1, 1, 0, 1, 0, 1, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0];
const GROUP = 'High High Low High High Low High High Low High Low High Low Low High Low Low Low Low Low'.split(' ');
const R_HIGH = {
  time: [2, 3, 5, 6, 8, 11, 12, 17],
  nRisk: [9, 8, 7, 6, 4, 3, 2, 1],
  survival: [
    0.888888888888889, 0.777777777777778, 0.666666666666667, 0.555555555555555, 0.416666666666667, 0.277777777777778,
    0.277777777777778, 0,
  ],
  lower: [
    0.705557501515943, 0.548521190012713, 0.420028358578948, 0.309705006872564, 0.184732354944018, 0.0887518954617439,
    0.0887518954617439,
  ],
  upper: [1, 1, 1, 0.996567599682496, 0.939798072534305, 0.86939544700113, 0.86939544700113],
};
const R_LOW = {
  time: [3, 6, 9, 12, 14, 15, 18, 20, 22, 24, 30],
  nRisk: [11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1],
  survival: [1, 0.9, 0.9, 0.7875, 0.675, 0.675, 0.675, 0.50625, 0.50625, 0.253125, 0.253125],
  lower: [
    1, 0.732011642743993, 0.732011642743993, 0.564125231513673, 0.430282529790523, 0.430282529790523, 0.430282529790523,
    0.245657039312338, 0.245657039312338, 0.0530207480892117, 0.0530207480892117,
  ],
};
const R_CHISQ = 7.62166951874248;
const R_P = 0.00576710738072367;

/** A minimal analysis over the R data: every row in training, no models (column grouping). */
function rData(): { r: AnalysisResult; table: AnalysisTable } {
  const ids = TIME.map((_, i) => `P${i}`);
  const r = {
    spec: { name: 'KM reference', columns: { patient: 'patient' } },
    rows: { n: ids.length, ids, groups: ids, y: ids.map(() => 0), dropped: [] },
    split: { role: ids.map(() => 'train') },
    models: [],
  } as unknown as AnalysisResult;
  const table: AnalysisTable = {
    file: 'km.csv',
    header: ['patient', 'time', 'status', 'group'],
    cells: ids.map((id, i) => [id, String(TIME[i]), EVENT[i] ? 'event' : 'censored', GROUP[i]!]),
    line: ids.map((_, i) => i + 1),
  };
  return { r, table };
}

const close = (a: readonly number[], b: readonly number[], tol: number): void => {
  expect(a).toHaveLength(b.length);
  a.forEach((v, k) => expect(Math.abs(v - (b[k] as number))).toBeLessThan(tol));
};

describe('Kaplan–Meier figure data', () => {
  it('matches survfit and survdiff (R survival 3.5-3) within 1e-8', () => {
    const { r, table } = rData();
    const fd = kaplanMeierFigure(r, table, {
      time: 'time',
      event: 'status',
      group: { by: 'column', column: 'group' },
      set: 'all',
    });
    expect(fd.groups.map((g) => g.label)).toEqual(['High', 'Low']);
    const [high, low] = fd.groups as [NonNullable<(typeof fd.groups)[0]>, NonNullable<(typeof fd.groups)[0]>];
    expect(high.time).toEqual(R_HIGH.time);
    expect(high.nRisk).toEqual(R_HIGH.nRisk);
    close(high.survival, R_HIGH.survival, 1e-8);
    close(high.lower.slice(0, 7), R_HIGH.lower, 1e-8);
    close(high.upper.slice(0, 7), R_HIGH.upper, 1e-8);
    expect(low.time).toEqual(R_LOW.time);
    expect(low.nRisk).toEqual(R_LOW.nRisk);
    close(low.survival, R_LOW.survival, 1e-8);
    close(low.lower, R_LOW.lower, 1e-8);
    expect(high.events).toBe(7);
    expect(low.events).toBe(5);
    // Median: first time S ≤ 0.5 (High: 8; Low: 24).
    expect(high.median).toBe(8);
    expect(low.median).toBe(24);
    expect(Math.abs(fd.logRank!.statistic - R_CHISQ)).toBeLessThan(1e-8);
    expect(Math.abs(fd.logRank!.pValue - R_P)).toBeLessThan(1e-8);
    expect(fd.logRank!.df).toBe(1);
    // Number at risk at 0, 5, …, 30 (counted by hand: time ≥ t).
    expect(fd.atRisk.times).toEqual([0, 5, 10, 15, 20, 25, 30]);
    expect(fd.atRisk.counts).toEqual([
      [9, 7, 3, 1, 0, 0, 0],
      [11, 10, 8, 6, 4, 1, 1],
    ]);
  });

  it('draws one step curve per group, censor marks, the at-risk numbers and the log-rank p in the SVG', () => {
    const { r, table } = rData();
    const fd = kaplanMeierFigure(r, table, {
      time: 'time',
      event: 'status',
      group: { by: 'column', column: 'group' },
      set: 'all',
    });
    const opt = kaplanMeierOption(fd);
    const series = opt.series as { type: string; step?: string; name: string }[];
    expect(series.filter((s) => s.type === 'line' && s.step === 'end')).toHaveLength(2);
    expect(series.filter((s) => s.name.endsWith('censored'))).toHaveLength(2);
    const svg = renderSvg(opt);
    expect(svg).toContain('Log-rank p = 0.006 (χ² = 7.62, 1 df)');
    expect(svg).toContain('Number at risk');
    expect(svg).toContain('High (n = 9, 7 events, median 8)');
    // The at-risk row of Low: 11 10 8 6 4 1 1 as text labels.
    for (const n of ['11', '10', '8', '6', '4']) expect(svg).toMatch(new RegExp(`>${n}</text>`));
  });

  it('names the file, row and column of a bad time or event and rejects unknown columns', () => {
    const { r, table } = rData();
    table.cells[3]![1] = '-2';
    expect(() =>
      kaplanMeierFigure(r, table, { time: 'time', event: 'status', group: { by: 'column', column: 'group' }, set: 'all' }),
    ).toThrow("km.csv, data row 4, column 'time': follow-up time '-2' is not a number ≥ 0");
    table.cells[3]![1] = '5';
    table.cells[5]![2] = 'maybe';
    expect(() =>
      kaplanMeierFigure(r, table, { time: 'time', event: 'status', group: { by: 'column', column: 'group' }, set: 'all' }),
    ).toThrow("km.csv, data row 6, column 'status': event value 'maybe'");
    expect(() =>
      kaplanMeierFigure(r, table, { time: 'os', event: 'status', group: { by: 'column', column: 'group' }, set: 'all' }),
    ).toThrow("km.csv has no time column 'os'");
  });

  it('picks round at-risk times', () => {
    expect(atRiskTimes(30)).toEqual([0, 5, 10, 15, 20, 25, 30]);
    expect(atRiskTimes(59.7)).toEqual([0, 10, 20, 30, 40, 50, 60]);
    expect(atRiskTimes(7)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
  });
});

describe('correlation heatmap', () => {
  // R: cor(m) and cor(m, method = "spearman") upper triangle (x1x2, x1x3, x2x3).
  const x1 = [1.2, 2.4, 3.1, 4.8, 5.0, 6.7, 7.1, 8.9];
  const x2 = [2.0, 1.9, 3.5, 4.1, 6.2, 5.8, 7.7, 9.0];
  const x3 = [9.1, 7.4, 8.8, 5.2, 4.9, 3.3, 2.8, 1.0];
  const cols = [x1, x2, x3].map((x) => Float64Array.from(x));
  it('matches R cor() for Pearson and Spearman within 1e-12', () => {
    const P = correlationMatrix(cols, 'pearson');
    close([P[0]![1]!, P[0]![2]!, P[1]![2]!], [0.95722106349091, -0.975115188632145, -0.924242084750667], 1e-12);
    const S = correlationMatrix(cols, 'spearman');
    close([S[0]![1]!, S[0]![2]!, S[1]![2]!], [0.952380952380953, -0.976190476190476, -0.904761904761905], 1e-12);
    expect(P[2]![2]).toBe(1);
  });
  it('clustered order puts strongly correlated features next to each other', () => {
    // a~c strongly, b~d strongly, the two blocks weakly: order must pair them.
    const R = [
      [1, 0.1, 0.95, 0.05],
      [0.1, 1, 0.0, -0.9],
      [0.95, 0.0, 1, 0.1],
      [0.05, -0.9, 0.1, 1],
    ];
    const o = clusterOrder(R);
    expect(o).toHaveLength(4);
    const pos = (k: number): number => o.indexOf(k);
    expect(Math.abs(pos(0) - pos(2))).toBe(1);
    expect(Math.abs(pos(1) - pos(3))).toBe(1);
  });
});

describe('on the report fixture', () => {
  const t = tmpDir('radstudy-report-study-');
  let result: AnalysisResult;
  let table: AnalysisTable;
  beforeAll(() => {
    const f = runFixture(t.dir);
    result = f.result;
    const sha = createHash('sha256').update(readFileSync(f.dataFile)).digest('hex');
    table = loadAnalysisTable({ result, dataSource: f.dataFile, dataSha256: sha });
  });
  afterAll(() => t.cleanup());

  it('groups the external set by the training median of the rad-score and counts the at-risk rows', () => {
    const fd = kaplanMeierFigure(result, table, {
      time: 'pfs_months',
      event: 'pfs_event',
      group: { by: 'radscore', model: 'Rad-score (LR)' },
      set: 'external',
    });
    const m = result.models[0]!;
    const train = m.predictions.train.filter((v) => !Number.isNaN(v)).sort((a, b) => a - b);
    // R quantile type 7 median of the training predictions.
    const h = (train.length - 1) / 2;
    const med = train[Math.floor(h)]! + (h - Math.floor(h)) * (train[Math.ceil(h)]! - train[Math.floor(h)]!);
    expect(Math.abs(fd.cut! - med)).toBeLessThan(1e-15);
    const ext = result.split.role.map((r, i) => (r === 'external' ? i : -1)).filter((i) => i >= 0);
    const high = ext.filter((i) => m.predictions.external[i]! >= med).length;
    expect(fd.groups.map((g) => [g.label, g.n])).toEqual([
      ['High risk', high],
      ['Low risk', ext.length - high],
    ]);
    expect(fd.atRisk.counts.map((c) => c[0])).toEqual([high, ext.length - high]);
    expect(fd.logRank!.pValue).toBeGreaterThan(0);
    expect(() =>
      kaplanMeierFigure(result, table, {
        time: 'pfs_months',
        event: 'pfs_event',
        group: { by: 'radscore', model: 'X' },
        set: 'test',
      }),
    ).toThrow("has no model 'X'");
  });

  it('correlates the kept features on the training rows', () => {
    const c = correlationFigure(result, table, { method: 'spearman', clustered: true });
    expect(c.n).toBe(result.split.counts.train.rows);
    expect(new Set(c.features)).toEqual(new Set(result.models.flatMap((m) => m.features)));
    c.r.forEach((row, i) => row.forEach((v, j) => expect(v).toBe(c.r[j]![i])));
    const svg = renderSvg(correlationOption(c));
    expect(svg).toContain('Feature correlations (Spearman ρ, clustered');
    expect(svg).toContain(c.features[0]!);
  });

  it('draws the flow from the cohort exclusions to the three sets with their counts', () => {
    const f = studyFlow(result, {
      steps: [
        { label: 'Patients assessed', remaining: 170, excluded: null },
        { label: 'No DCE', remaining: 163, excluded: { code: 'NO_DCE', label: 'No DCE', patients: 7, lesions: 0 } },
        { label: 'Motion', remaining: 160, excluded: { code: 'MOTION', label: 'Motion', patients: 3, lesions: 0 } },
      ],
      analysedPatients: 160,
      analysedLesions: 160,
    });
    expect(f.main.map((b) => b.patients)).toEqual([170, 160, 160, 160]);
    expect(f.excluded.map((e) => [e.label, e.patients])).toEqual([
      ['No DCE', 7],
      ['Motion', 3],
    ]);
    const c = result.split.counts;
    expect(f.sets.map((s) => s.patients)).toEqual([c.train.groups, c.test.groups, c.external.groups]);
    expect(c.train.groups + c.test.groups + c.external.groups).toBe(160);
    const svg = flowDiagramSvg(f);
    expect(svg.match(/class="flow-set"/g)).toHaveLength(3);
    expect(svg).toContain('No DCE: n = 7 patients');
    expect(svg).toContain(`External validation set`);
    expect(svg).toContain(`n = ${c.external.groups} patients`);
  });

  it('prefills TRIPOD and CLEAR from the analysis', () => {
    const items = reportingChecklist(result, {
      software: { name: 'RadStudy', version: '9.9.9' },
      cohortFlow: false,
      survival: false,
      correlation: true,
    });
    const get = (id: string) => items.find((i) => i.checklist === 'TRIPOD' && i.item === id)!;
    expect(get('14a').detail).toContain(
      `training ${result.split.counts.train.groups} patients, ${result.split.counts.train.events} events`,
    );
    expect(get('9').status).toBe('reported'); // the spec imputes (median)
    expect(get('10b').status).toBe('reported'); // bootstrap B = 20
    expect(get('11').status).toBe('not reported'); // no KM by risk group
    expect(get('15a').status).toBe('partly'); // LR has a formula, naive Bayes has not
    expect(get('13a').status).toBe('partly');
    expect(get('10e').status).toBe('not applicable'); // no model updating
    // TRIPOD 2015 (Collins et al., BMJ 2015;350:g7594): all 37 items, once each, in the statement's order.
    expect(items.filter((i) => i.checklist === 'TRIPOD').map((i) => i.item)).toEqual(
      '1 2 3a 3b 4a 4b 5a 5b 5c 6a 6b 7a 7b 8 9 10a 10b 10c 10d 10e 11 12 13a 13b 13c 14a 14b 15a 15b 16 17 18 19a 19b 20 21 22'.split(
        ' ',
      ),
    );
    // CLEAR v1.0 (Kocak et al., Insights Imaging 2023;14:75): exactly 58 items numbered 1..58 in order.
    const clear = items.filter((i) => i.checklist === 'CLEAR');
    expect(clear.map((i) => i.item)).toEqual(Array.from({ length: 58 }, (_, k) => String(k + 1)));
    const C = (n: number) => clear[n - 1]!;
    // Official sections: first and last item of each.
    expect(
      [1, 2, 3, 4, 6, 7, 12, 13, 18, 19, 20, 21, 24, 25, 28, 29, 33, 34, 37, 38, 43, 44, 48, 49, 52, 53, 58].map(
        (n) => C(n).section,
      ),
    ).toEqual([
      'Title',
      'Abstract',
      'Keywords',
      'Introduction',
      'Introduction',
      'Method — Study design',
      'Method — Study design',
      'Method — Data',
      'Method — Data',
      'Method — Segmentation',
      'Method — Segmentation',
      'Method — Pre-processing',
      'Method — Pre-processing',
      'Method — Feature extraction',
      'Method — Feature extraction',
      'Method — Data preparation',
      'Method — Data preparation',
      'Method — Modeling',
      'Method — Modeling',
      'Method — Evaluation',
      'Method — Evaluation',
      'Results',
      'Results',
      'Discussion',
      'Discussion',
      'Open science — Data availability',
      'Open science — Model availability',
    ]);
    // Prefilled from the fixture spec (impute + zscore scale + univariate + correlation, LR and naive
    // Bayes, split by center with an external set, bootstrap B = 20, features DCE2_original_f*).
    expect(C(15).status).toBe('reported');
    expect(C(15).detail).toContain('split by center');
    expect(C(17).status).toBe('not applicable'); // every candidate is a PyRadiomics-style name
    expect(C(24).status).toBe('partly');
    expect(C(24).detail).toContain('original');
    expect(C(26).status).toBe('not reported'); // DCE2_original_f0 carries no feature class
    expect(C(27).detail).toBe(`${result.features.candidates} candidate features`);
    expect(C(29).status).toBe('reported');
    expect(C(31).status).toBe('not reported'); // no ICC step
    expect(C(32).status).toBe('reported');
    expect(C(32).detail).toBe('zscore scaling');
    expect(C(33).detail).toContain('univariate, correlation');
    expect(C(34).detail).toContain('RadStudy 9.9.9');
    expect(C(38).status).toBe('reported');
    expect(C(38).detail).toBe('external (other centres)');
    expect(C(41).status).toBe('reported'); // two models, DeLong
    expect(C(56).status).toBe('reported');
    expect(C(57).status).toBe('reported');
    expect(C(1).status).toBe('not reported');

    // The same analysis with an ICC filter and a single model.
    const one: AnalysisResult = {
      ...result,
      spec: { ...result.spec, steps: [...result.spec.steps, { step: 'icc', min: 0.75 }] },
      models: [result.models[0]!],
    };
    const c2 = reportingChecklist(one, {
      software: { name: 'RadStudy', version: '9.9.9' },
      cohortFlow: true,
      survival: false,
      correlation: false,
    }).filter((i) => i.checklist === 'CLEAR');
    expect(c2[30]!.status).toBe('reported'); // item 31
    expect(c2[30]!.detail).toBe('ICC2 between R1 and R2, kept ≥ 0.75');
    expect(c2[19]!.status).toBe('partly'); // item 20: the ICC readers are known
    expect(c2[40]!.status).toBe('not applicable'); // item 41: a single model
    expect(c2[36]!.status).toBe('not applicable'); // item 37: a single model, no grid
    expect(c2[44]!.status).toBe('reported'); // item 45: the study's exclusion flow
  });

  it('reads image types, feature classes and non-radiomic columns from feature names', () => {
    const s = summarizeFeatureNames([
      'T1_wavelet-LLH_glcm_Contrast',
      'original_shape_Sphericity',
      'DCE2_log-sigma-2-0-mm-3D_firstorder_Mean',
      'DCE2_original_glcm_Idm',
      'age',
    ]);
    expect(s.imageTypes).toEqual(['log-sigma-2-0-mm-3D', 'original', 'wavelet-LLH']);
    expect(s.classes).toEqual({ glcm: 2, shape: 1, firstorder: 1 });
    expect(s.nonRadiomic).toEqual(['age']);
  });
});
