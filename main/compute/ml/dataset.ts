/**
 * The rows an analysis runs on, built from a table (a CSV or the study's feature table):
 * patient / id / center / date columns, the outcome coded 0/1, and numeric feature columns chosen
 * by the spec's include / exclude patterns. Every problem names the column or row.
 */
import { StatsInputError } from '../stats/common.js';
import type { AnalysisSpec } from './spec.js';
import type { DataMatrix } from './types.js';

export interface AnalysisDataset {
  ids: string[];
  groups: string[];
  centers?: string[];
  dates?: string[];
  /** 0/1 outcome. Rows without an outcome are left out when the dataset is built. */
  y: Float64Array;
  features: string[];
  X: DataMatrix;
  /** Rows left out, with the reason (1-based data row numbers). */
  dropped: { row: number; id: string; reason: string }[];
  /** Raw values of the spec's balance columns (not features), per row. */
  balance?: Map<string, string[]>;
  /** Numeric covariate columns named by ComBat steps (not features), per row. */
  covariates?: Map<string, Float64Array>;
  /** Inter-reader ICC per feature, when the study has dual-reader features. */
  icc?: Map<string, number>;
}

function patternToRegExp(p: string): RegExp {
  const esc = p.replace(/[.+^${}()|[\]\\?]/g, '\\$&').replace(/\*/g, '.*');
  return new RegExp(`^${esc}$`);
}

/** Feature names selected by include / exclude patterns (`*` matches anything), in table order. */
export function selectFeatureNames(
  candidates: readonly string[],
  include: readonly string[],
  exclude: readonly string[],
): string[] {
  const inc = include.map(patternToRegExp);
  const exc = exclude.map(patternToRegExp);
  return candidates.filter((c) => inc.some((r) => r.test(c)) && !exc.some((r) => r.test(c)));
}

function toNumber(v: unknown): number {
  if (v === null || v === undefined) return NaN;
  if (typeof v === 'number') return v;
  const s = String(v).trim();
  if (s === '' || /^(na|nan|null|none)$/i.test(s)) return NaN;
  const n = Number(s);
  return n;
}

/** Build the dataset from a header and rows of cells (strings or numbers). */
export function datasetFromTable(
  header: readonly string[],
  rows: readonly (readonly unknown[])[],
  spec: AnalysisSpec,
  source = 'the data',
): AnalysisDataset {
  const col = (name: string, what: string): number => {
    const j = header.indexOf(name);
    if (j < 0)
      throw new StatsInputError(
        `${source} have no ${what} column '${name}' (columns: ${header.slice(0, 8).join(', ')}${header.length > 8 ? ', …' : ''})`,
      );
    return j;
  };
  const jPatient = col(spec.columns.patient, 'patient');
  const jId = spec.columns.id ? col(spec.columns.id, 'id') : jPatient;
  const jCenter = spec.columns.center ? col(spec.columns.center, 'center') : -1;
  const jDate = spec.columns.date ? col(spec.columns.date, 'date') : -1;
  const jOutcome = col(spec.outcome.column, 'outcome');
  const covariateNames = [...new Set(spec.steps.flatMap((st) => (st.step === 'combat' ? st.covariates : [])))];
  const jCovariates = covariateNames.map((c) => col(c, 'covariate'));
  const jBalance = spec.balance.map((c) => col(c, 'balance'));
  const jReader = spec.reader ? col(spec.reader.column, 'reader') : -1;
  const reserved = new Set([jPatient, jId, jCenter, jDate, jOutcome, jReader, ...jCovariates, ...jBalance]);
  const candidates = header.filter((_, j) => !reserved.has(j));
  const features = selectFeatureNames(candidates, spec.features.include, spec.features.exclude);
  for (const f of spec.forced) {
    if (!features.includes(f)) throw new StatsInputError(`forced feature '${f}' is not among the selected features of ${source}`);
  }
  if (features.length === 0)
    throw new StatsInputError(`no feature column of ${source} matches ${spec.features.include.join(', ')}`);
  const fIdx = features.map((f) => header.indexOf(f));
  const positives = new Set((Array.isArray(spec.outcome.positive) ? spec.outcome.positive : [spec.outcome.positive]).map(String));
  const negatives = spec.outcome.negative ? new Set(spec.outcome.negative.map(String)) : null;
  for (const v of positives)
    if (negatives?.has(v)) throw new StatsInputError(`the outcome value '${v}' is given as both positive and negative`);
  const levels = new Set<string>();
  const kept: number[] = [];
  const dropped: AnalysisDataset['dropped'] = [];
  const yv: number[] = [];
  if (spec.reader && !rows.some((r) => String(r[jReader] ?? '').trim() === spec.reader!.keep)) {
    const found = [...new Set(rows.map((r) => String(r[jReader] ?? '').trim()))].slice(0, 6);
    throw new StatsInputError(
      `${source} have no row of reader '${spec.reader.keep}' in column '${spec.reader.column}' (readers: ${found.join(', ')})`,
    );
  }
  rows.forEach((r, i) => {
    // Rows of the other readers are not cases of this analysis (the same lesions again).
    if (spec.reader && String(r[jReader] ?? '').trim() !== spec.reader.keep) return;
    const raw = r[jOutcome];
    const s = raw === null || raw === undefined ? '' : String(raw).trim();
    const id = String(r[jId] ?? '');
    if (s === '' || /^(na|nan)$/i.test(s)) {
      dropped.push({ row: i + 1, id, reason: `no value for the outcome '${spec.outcome.column}'` });
      return;
    }
    if (negatives && !positives.has(s) && !negatives.has(s)) {
      dropped.push({ row: i + 1, id, reason: `outcome '${spec.outcome.column}' is '${s}', neither positive nor negative` });
      return;
    }
    levels.add(s);
    kept.push(i);
    yv.push(positives.has(s) ? 1 : 0);
  });
  if (!negatives && levels.size > 2 + (positives.size - 1)) {
    throw new StatsInputError(
      `the outcome '${spec.outcome.column}' has ${levels.size} values (${[...levels].slice(0, 6).join(', ')}); a binary outcome is needed — or give outcome.negative to say which values are coded 0 (the others are left out)`,
    );
  }
  for (const v of positives)
    if (!levels.has(v))
      throw new StatsInputError(
        `the outcome '${spec.outcome.column}' never takes the positive value '${v}' (values: ${[...levels].join(', ')})`,
      );
  if (negatives && ![...negatives].some((v) => levels.has(v)))
    throw new StatsInputError(
      `the outcome '${spec.outcome.column}' never takes a negative value (${[...negatives].join(', ')}; values: ${[...levels].join(', ')})`,
    );
  const n = kept.length;
  const p = features.length;
  const data = new Float64Array(n * p);
  kept.forEach((i, r) => {
    const row = rows[i] as readonly unknown[];
    for (let k = 0; k < p; k++) {
      const v = toNumber(row[fIdx[k] as number]);
      if (!Number.isNaN(v) && !Number.isFinite(v)) {
        throw new StatsInputError(
          `data row ${i + 1}, feature '${features[k]}': value ${String(row[fIdx[k] as number])} is not finite`,
        );
      }
      if (
        Number.isNaN(v) &&
        String(row[fIdx[k] as number] ?? '').trim() !== '' &&
        !/^(na|nan|null|none)$/i.test(String(row[fIdx[k] as number]).trim())
      ) {
        throw new StatsInputError(
          `data row ${i + 1}, feature '${features[k]}': '${String(row[fIdx[k] as number])}' is not a number`,
        );
      }
      data[r * p + k] = v;
    }
  });
  const pick = (j: number): string[] => kept.map((i) => String((rows[i] as readonly unknown[])[j] ?? '').trim());
  const groups = pick(jPatient);
  groups.forEach((g, r) => {
    if (g === '') throw new StatsInputError(`data row ${(kept[r] as number) + 1}: no patient id in '${spec.columns.patient}'`);
  });
  const covariates = new Map<string, Float64Array>();
  covariateNames.forEach((c, k) => {
    const j = jCovariates[k] as number;
    covariates.set(
      c,
      Float64Array.from(kept, (i) => {
        const v = toNumber((rows[i] as readonly unknown[])[j]);
        if (!Number.isFinite(v)) {
          throw new StatsInputError(
            `data row ${i + 1}, covariate '${c}': '${String((rows[i] as readonly unknown[])[j] ?? '')}' is not a number (ComBat covariates must be complete)`,
          );
        }
        return v;
      }),
    );
  });
  if (spec.steps.some((st) => st.step === 'combat') && jCenter >= 0) {
    pick(jCenter).forEach((c, r) => {
      if (c === '')
        throw new StatsInputError(`data row ${(kept[r] as number) + 1}: no center in '${spec.columns.center}' (ComBat needs it)`);
    });
  }
  const balance = new Map(spec.balance.map((c, k) => [c, pick(jBalance[k] as number)]));
  return {
    ids: pick(jId),
    ...(balance.size > 0 ? { balance } : {}),
    ...(covariateNames.length > 0 ? { covariates } : {}),
    groups,
    ...(jCenter >= 0 ? { centers: pick(jCenter) } : {}),
    ...(jDate >= 0 ? { dates: pick(jDate) } : {}),
    y: Float64Array.from(yv),
    features,
    X: { data, nrow: n, ncol: p },
    dropped,
  };
}
