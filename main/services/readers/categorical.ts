/**
 * Categorical dual reads and their agreement. A lesion variable read by two readers is stored as
 * one dictionary variable per reader, named `<base>_<reader code in lower case>` (mass_shape_r1 and
 * mass_shape_r2 for readers R1 and R2), with its values in lesion_value like any other lesion
 * variable: the level code in `txt` (categorical, ordinal) or 0/1 in `num` (boolean). A recorded
 * missing code counts as missing. Both variables must have the same type and levels; the level
 * order of the dictionary is the order weighted kappa uses.
 *
 * Agreement per variable: Cohen's kappa with the Fleiss–Cohen–Everitt CI from the statistics core
 * (main/compute/stats/agreement/kappa.ts) — unweighted for nominal and boolean variables, and
 * unweighted, linear and quadratic weighted for ordinal ones — plus the percent agreement and the
 * Landis & Koch (1977) band of each kappa.
 */
import type Database from 'better-sqlite3';
import type { CategoricalAgreement, CategoricalAgreementRequest } from '../../api/adjudication.js';
import { type landisKochBands } from '../../api/adjudication.js';
import { AppError } from '../../api/errors.js';
import { kappaFromTable, type KappaWeights } from '../../compute/stats/agreement/kappa.js';
import { StatsInputError } from '../../compute/stats/common.js';

/** Landis & Koch (1977): < 0 poor, ≤ .20 slight, ≤ .40 fair, ≤ .60 moderate, ≤ .80 substantial, else almost perfect. */
export function landisKoch(kappa: number): (typeof landisKochBands)[number] {
  if (kappa < 0) return 'poor';
  if (kappa <= 0.2) return 'slight';
  if (kappa <= 0.4) return 'fair';
  if (kappa <= 0.6) return 'moderate';
  if (kappa <= 0.8) return 'substantial';
  return 'almost perfect';
}

interface VariableRow {
  id: number;
  name: string;
  label: string;
  type: string;
  levels: string | null;
}

export interface DualRead {
  base: string;
  label: string;
  type: 'categorical' | 'ordinal' | 'boolean';
  levels: string[];
  variableIds: [number, number];
}

/** Suffix of a reader's copy of a dual-read variable: R1 → `_r1`. */
export const readerSuffix = (code: string): string => `_${code.toLowerCase()}`;

/** The dual-read variables of two readers: pairs `<base>_<a>`, `<base>_<b>` of lesion scope. */
export function dualReads(db: Database.Database, readers: readonly [string, string]): DualRead[] {
  const vars = db
    .prepare("SELECT id, name, label, type, levels FROM variable WHERE scope = 'lesion' ORDER BY position, name")
    .all() as VariableRow[];
  const byName = new Map(vars.map((v) => [v.name, v]));
  const [sa, sb] = readers.map(readerSuffix) as [string, string];
  const out: DualRead[] = [];
  for (const a of vars) {
    if (!a.name.endsWith(sa)) continue;
    const base = a.name.slice(0, -sa.length);
    const b = byName.get(base + sb);
    if (!b || base === '') continue;
    if (a.type !== b.type)
      throw new AppError('VALIDATION', `Dual-read variables ${a.name} (${a.type}) and ${b.name} (${b.type}) differ in type.`);
    if (a.type !== 'categorical' && a.type !== 'ordinal' && a.type !== 'boolean') continue;
    const levels = a.type === 'boolean' ? ['0', '1'] : (JSON.parse(a.levels ?? '[]') as { code: string }[]).map((l) => l.code);
    const levelsB = b.type === 'boolean' ? ['0', '1'] : (JSON.parse(b.levels ?? '[]') as { code: string }[]).map((l) => l.code);
    if (levels.join('\0') !== levelsB.join('\0'))
      throw new AppError(
        'VALIDATION',
        `Dual-read variables ${a.name} and ${b.name} have different levels (${levels.join(', ')} vs ${levelsB.join(', ')}); make them equal in the dictionary.`,
      );
    const label = a.label.replace(new RegExp(`\\s*\\(?${readers[0]}\\)?\\s*$`, 'i'), '') || base;
    out.push({ base, label, type: a.type, levels, variableIds: [a.id, b.id] });
  }
  return out;
}

/** Each lesion's two reads of a dual-read variable (null = missing). */
export function readsOf(db: Database.Database, d: DualRead): Map<number, [string | null, string | null]> {
  const rows = db
    .prepare(
      'SELECT lesion_id AS lesionId, variable_id AS v, num, txt, missing_code AS mc FROM lesion_value WHERE variable_id IN (?, ?)',
    )
    .all(d.variableIds[0], d.variableIds[1]) as {
    lesionId: number;
    v: number;
    num: number | null;
    txt: string | null;
    mc: string | null;
  }[];
  const out = new Map<number, [string | null, string | null]>();
  for (const r of rows) {
    const e = out.get(r.lesionId) ?? [null, null];
    const value = r.mc !== null ? null : d.type === 'boolean' ? (r.num === null ? null : String(r.num)) : r.txt;
    e[r.v === d.variableIds[0] ? 0 : 1] = value;
    out.set(r.lesionId, e);
  }
  return out;
}

export function categoricalAgreement(db: Database.Database, req: CategoricalAgreementRequest): CategoricalAgreement {
  const reads = dualReads(db, req.readers);
  if (reads.length === 0)
    throw new AppError(
      'VALIDATION',
      `No dual-read categorical variables for ${req.readers[0]} and ${req.readers[1]}: add lesion variables named <variable>${readerSuffix(req.readers[0])} and <variable>${readerSuffix(req.readers[1])} to the dictionary and import their values.`,
    );
  const variables: CategoricalAgreement['variables'] = [];
  for (const d of reads) {
    const c = d.levels.length;
    const table = Array.from({ length: c }, () => new Array<number>(c).fill(0));
    let n = 0;
    let nMissing = 0;
    let same = 0;
    const unknown = new Set<string>();
    for (const [x, y] of readsOf(db, d).values()) {
      if (x === null || y === null) {
        nMissing++;
        continue;
      }
      const i = d.levels.indexOf(x);
      const j = d.levels.indexOf(y);
      if (i < 0 || j < 0) {
        if (i < 0) unknown.add(x);
        if (j < 0) unknown.add(y);
        nMissing++;
        continue;
      }
      table[i]![j]!++;
      n++;
      if (i === j) same++;
    }
    const weights: KappaWeights[] = d.type === 'ordinal' ? ['unweighted', 'linear', 'quadratic'] : ['unweighted'];
    const kappas: CategoricalAgreement['variables'][number]['kappas'] = [];
    let note: string | null = unknown.size ? `values not among the levels were left out: ${[...unknown].join(', ')}` : null;
    try {
      for (const w of weights) {
        const k = kappaFromTable(table, w, req.confLevel, d.levels);
        kappas.push({
          weights: w,
          kappa: k.kappa,
          se: k.se,
          lower: k.confInt[0],
          upper: k.confInt[1],
          band: landisKoch(k.kappa),
        });
      }
    } catch (e) {
      if (!(e instanceof StatsInputError)) throw e;
      kappas.length = 0;
      note = e.message + (note ? `; ${note}` : '');
    }
    variables.push({
      variable: d.base,
      label: d.label,
      type: d.type,
      levels: d.levels,
      n,
      nMissing,
      percentAgreement: n > 0 ? same / n : null,
      kappas,
      note,
    });
  }
  return { readers: req.readers, confLevel: req.confLevel, variables };
}
