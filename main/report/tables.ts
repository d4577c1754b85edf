/**
 * The publication tables of an analysis as plain cell grids (what XLSX, CSV and DOCX all write):
 * model comparison per model and set, Table 1 by split and by outcome, and the coefficients of
 * linear models. Numbers are formatted here once, with the journal rules: three decimals,
 * p-values '<0.001' below 0.001, CIs as 'lower–upper'.
 */
import type { AnalysisResult, SetName } from '../compute/ml/analysis.js';
import type { AnalysisDataset } from '../compute/ml/dataset.js';
import { buildTable1 } from '../compute/stats/table1Builder.js';
import type { Table1, Table1Variable } from '../compute/stats/table1Builder.js';
import { f3, formatP } from './charts/style.js';
import { SET_LABELS } from './charts/types.js';

export interface ReportTable {
  id: string;
  title: string;
  columns: string[];
  rows: string[][];
  /** Footnotes under the table (abbreviations, tests, thresholds). */
  notes: string[];
}

const ci = (c: [number, number] | null | undefined): string => (c ? `${f3(c[0])}–${f3(c[1])}` : '—');

export function comparisonTable(r: AnalysisResult): ReportTable {
  const sets: SetName[] = ['train', 'cv', 'test', 'external'];
  const rows: string[][] = [];
  for (const m of r.models) {
    for (const s of sets) {
      const x = m.metrics[s];
      if (!x) continue;
      rows.push([
        m.name,
        SET_LABELS[s],
        `${x.n} (${x.events})`,
        `${f3(x.auc)} (${ci(x.aucCi)})`,
        `${f3(x.sensitivity.estimate)} (${ci(x.sensitivity.confInt)})`,
        `${f3(x.specificity.estimate)} (${ci(x.specificity.confInt)})`,
        `${f3(x.accuracy.estimate)} (${ci(x.accuracy.confInt)})`,
        `${f3(x.ppv.estimate)} (${ci(x.ppv.confInt)})`,
        `${f3(x.npv.estimate)} (${ci(x.npv.confInt)})`,
        f3(x.f1),
        f3(x.brier),
        formatP(x.hosmerLemeshowP),
      ]);
    }
  }
  return {
    id: 'model-comparison',
    title: 'Table 2. Diagnostic performance of the models',
    columns: [
      'Model',
      'Set',
      'n (events)',
      'AUC (95% CI)',
      'Sensitivity',
      'Specificity',
      'Accuracy',
      'PPV',
      'NPV',
      'F1',
      'Brier',
      'H–L p',
    ],
    rows,
    notes: [
      'AUC, area under the ROC curve with DeLong 95% CI; sensitivity, specificity, accuracy, PPV and NPV with Wilson 95% CIs, at the Youden threshold of each model on the training set, applied unchanged to the other sets.',
      'PPV, positive predictive value; NPV, negative predictive value; H–L p, Hosmer–Lemeshow goodness-of-fit test (10 groups).',
    ],
  };
}

/** Rows of a Table 1 (stats/table1Builder.ts): mean ± SD or median (Q1–Q3) as its test chose; n (%). */
export function table1Rows(t: Table1): string[][] {
  const f1 = (v: number): string => (Number.isFinite(v) ? v.toFixed(1) : '—');
  const rows: string[][] = [];
  for (const row of t.rows) {
    if (row.kind === 'continuous') {
      const cell = (c: (typeof row.byGroup)[number]): string =>
        !c ? '—' : row.display === 'mean-sd' ? `${f1(c.mean)} ± ${f1(c.sd)}` : `${f1(c.median)} (${f1(c.q1)}–${f1(c.q3)})`;
      rows.push([
        `${row.name}, ${row.display === 'mean-sd' ? 'mean ± SD' : 'median (IQR)'}`,
        cell(row.overall),
        ...row.byGroup.map(cell),
        formatP(row.pValue),
        row.test ?? '',
      ]);
    } else {
      rows.push([`${row.name}, n (%)`, '', ...t.groups.map(() => ''), formatP(row.pValue), row.test ?? '']);
      for (const l of row.levels) {
        rows.push([
          `  ${l.level}`,
          `${l.overall.count} (${f1(l.overall.percent)})`,
          ...l.byGroup.map((c) => `${c.count} (${f1(c.percent)})`),
          '',
          '',
        ]);
      }
    }
  }
  return rows;
}

function table1Report(id: string, title: string, t: Table1, by: string): ReportTable {
  return {
    id,
    title,
    columns: ['Characteristic', `Overall (n = ${t.n})`, ...t.groups.map((g) => `${g.label} (n = ${g.n})`), 'P', 'Test'],
    rows: table1Rows(t),
    notes: [
      `Compared by ${by}; continuous variables by t-test/ANOVA when normal in every group (Shapiro–Wilk), otherwise Mann–Whitney/Kruskal–Wallis; categorical by χ² or Fisher's exact test.`,
    ],
  };
}

export function table1BySplit(r: AnalysisResult): ReportTable | null {
  return r.balance ? table1Report('table1-by-split', 'Table 1. Characteristics by set', r.balance, 'set') : null;
}

/** Table 1 by outcome: needs the input rows again (outcome, center and balance columns). */
export function table1ByOutcome(r: AnalysisResult, ds: AnalysisDataset): ReportTable {
  const pos = r.spec.outcome.positive;
  const posText = Array.isArray(pos) ? pos.join(' or ') : String(pos);
  const neg = r.spec.outcome.negative;
  const col = r.spec.outcome.column;
  const [gPos, gNeg] = [`${col} = ${posText}`, neg ? `${col} = ${neg.join(' or ')}` : `${col} ≠ ${posText}`];
  const groups = Array.from(ds.y, (v) => (v === 1 ? gPos : gNeg));
  const vars: Table1Variable[] = [];
  if (ds.centers && r.spec.columns.center) vars.push({ name: r.spec.columns.center, type: 'categorical', values: ds.centers });
  const label = { train: 'Training', test: 'Internal test', external: 'External' } as const;
  const setOf = new Map(r.rows.ids.map((id, i) => [id, label[r.split.role[i] ?? 'train']]));
  vars.push({ name: 'Set', type: 'categorical', values: ds.ids.map((id) => setOf.get(id) ?? null) });
  for (const [name, raw] of ds.balance ?? []) {
    const given = (v: string): boolean => v !== '' && !/^(na|nan|null|none)$/i.test(v);
    const numeric = raw.some(given) && raw.filter(given).every((v) => Number.isFinite(Number(v)));
    vars.push(
      numeric
        ? { name, type: 'continuous', values: raw.map((v) => (given(v) ? Number(v) : NaN)) }
        : { name, type: 'categorical', values: raw.map((v) => (given(v) ? v : null)) },
    );
  }
  const t = buildTable1(vars, { groups, groupLevels: [gPos, gNeg] });
  return table1Report('table1-by-outcome', 'Table 1. Characteristics by outcome', t, 'outcome');
}

export function coefficientTable(r: AnalysisResult): ReportTable | null {
  const linear = r.models.filter((m) => m.radScore);
  if (linear.length === 0) return null;
  const rows: string[][] = [];
  const g = (v: number): string => (Number.isFinite(v) ? v.toPrecision(6) : '—');
  for (const m of linear) {
    const rs = m.radScore!;
    rows.push([m.name, '(Intercept)', g(rs.intercept), '', '']);
    for (const t of rs.terms)
      rows.push([
        m.name,
        t.feature,
        g(t.coefficient),
        f3(t.standardized.coefficient),
        f3(m.selectionFrequency[t.feature] ?? NaN),
      ]);
  }
  return {
    id: 'coefficients',
    title: 'Table 3. Rad-score coefficients',
    columns: ['Model', 'Feature', 'Coefficient (raw scale)', 'Standardized coefficient', 'Selected in CV folds'],
    rows,
    notes: [
      'Rad-score = intercept + Σ coefficient × feature value (raw feature scale). Standardized: log-odds per training SD. Selected in CV folds: share of cross-validation folds whose pipeline kept the feature.',
    ],
  };
}

export function reportTables(r: AnalysisResult, ds: AnalysisDataset | null): ReportTable[] {
  return [...(ds ? [table1ByOutcome(r, ds)] : []), table1BySplit(r), comparisonTable(r), coefficientTable(r)].filter(
    (t): t is ReportTable => t !== null,
  );
}
