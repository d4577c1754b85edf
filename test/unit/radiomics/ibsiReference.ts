/** Rows of ../shared/reference/ibsi/ibsi1_reference_values.csv and their tolerances. */
import { readFileSync } from 'node:fs';
import { parseCsv, referencePath } from './reference.js';

/** Half a unit in the last digit of a printed number ("2.15" → 0.005, "1.2e3" → 50, "567" → 0.5). */
export function shownPrecision(text: string): number {
  const m = /^-?(\d+)(?:\.(\d+))?(?:e([+-]?\d+))?$/i.exec(text.trim());
  if (!m) throw new Error(`unexpected number ${text}`);
  const decimals = m[2]?.length ?? 0;
  const exponent = Number(m[3] ?? 0);
  return 0.5 * 10 ** (exponent - decimals);
}

export interface Row {
  family: string;
  feature: string;
  id: string;
  aggregation: string;
  value: string;
  tolerance: string;
}

export function ibsiRows(dataSet: string): Row[] {
  const rows = parseCsv(readFileSync(referencePath('ibsi', 'ibsi1_reference_values.csv'), 'utf8'));
  const h = rows[0]!;
  const get = (r: string[], k: string) => r[h.indexOf(k)]!;
  return (
    rows
      .slice(1)
      // One row (config C, Compactness 1) has no reference value; it cannot be compared.
      .filter((r) => r.length > 1 && get(r, 'data_set') === dataSet && get(r, 'value').trim() !== '')
      .map((r) => ({
        family: get(r, 'family_id'),
        feature: get(r, 'feature'),
        id: get(r, 'ibsi_id'),
        aggregation: get(r, 'aggregation_id'),
        value: get(r, 'value'),
        tolerance: get(r, 'tolerance'),
      }))
  );
}

/** Our output name for a CSV row (IVH ids are shared by V10/V90 and I10/I90). */
export function nameOf(row: Row): string {
  let id = row.id;
  const sub = /\((V10|V90|I10|I90)\)/.exec(row.feature);
  if ((id === 'BC2M' || id === 'GBPN') && sub) id = `${id}_${sub[1]}`;
  return `ibsi_${row.family}_${id}${row.aggregation ? `_${row.aggregation}` : ''}`;
}
