import { GROUP_ORDER, OTHER_GROUP, type DictionaryVariable } from './cohortColumns.js';

export interface TargetOption {
  value: string;
  label: string;
}

export interface TargetGroup {
  label: string;
  options: TargetOption[];
}

export const IGNORE = 'ignore';

/** Entity fields a column can fill, with the names coordinators know them by. */
const ENTITY_GROUPS: TargetGroup[] = [
  {
    label: 'Center',
    options: [
      { value: 'center.code', label: 'Center code' },
      { value: 'center.name', label: 'Center name' },
      { value: 'center.scanner_vendor', label: 'Scanner vendor' },
      { value: 'center.field_strength_t', label: 'Field strength (T)' },
    ],
  },
  { label: 'Patient', options: [{ value: 'patient.code', label: 'Patient code (pseudonymous)' }] },
  {
    label: 'Lesion',
    options: [
      { value: 'lesion.code', label: 'Lesion code' },
      { value: 'lesion.side', label: 'Side (left/right)' },
      { value: 'lesion.clock_position', label: 'Clock position (1–12)' },
      { value: 'lesion.quadrant', label: 'Quadrant' },
      { value: 'lesion.is_index', label: 'Index lesion (yes/no)' },
      { value: 'lesion.multifocal_group', label: 'Multifocal group' },
    ],
  },
];

function variableLabel(v: DictionaryVariable): string {
  const unit = v.unit ? ` (${v.unit})` : '';
  const derived = v.derived ? ' — derived, used when its inputs are missing' : '';
  return `${v.label}${unit} · ${v.name}${derived}`;
}

/** Every target of the mapping select: entity fields, then dictionary variables by group. */
export function targetGroups(dictionary: readonly DictionaryVariable[]): TargetGroup[] {
  const byGroup = new Map<string, TargetOption[]>();
  for (const v of dictionary) {
    const g = v.group ?? OTHER_GROUP;
    let list = byGroup.get(g);
    if (!list) byGroup.set(g, (list = []));
    list.push({ value: `var:${v.name}`, label: variableLabel(v) });
  }
  const rank = (g: string) => {
    const i = (GROUP_ORDER as readonly string[]).indexOf(g);
    return i === -1 ? GROUP_ORDER.length : i;
  };
  const variableGroups = [...byGroup.entries()]
    .sort((a, b) => rank(a[0]) - rank(b[0]))
    .map(([label, options]) => ({ label: `${label} variables`, options }));
  return [...ENTITY_GROUPS, ...variableGroups];
}

/** Short name of a target for summaries ("var:her2_ihc" → "HER2 IHC score"). */
export function targetLabel(target: string, groups: readonly TargetGroup[]): string {
  if (target === IGNORE) return 'not imported';
  for (const g of groups) {
    const o = g.options.find((x) => x.value === target);
    if (o) return o.label.split(' · ')[0] ?? o.label;
  }
  return target;
}

export const DELIMITER_CHOICES = [
  { value: ',', label: 'Comma ( , )' },
  { value: ';', label: 'Semicolon ( ; )' },
  { value: '\t', label: 'Tab' },
  { value: '|', label: 'Pipe ( | )' },
] as const;

export const ENCODING_CHOICES = [
  { value: 'utf-8', label: 'UTF-8' },
  { value: 'latin1', label: 'Latin-1 (ISO-8859-1)' },
] as const;

export const DATE_ORDER_CHOICES = [
  { value: 'DMY', label: 'Day/month/year (31/12/2024)' },
  { value: 'MDY', label: 'Month/day/year (12/31/2024)' },
  { value: 'YMD', label: 'Year-month-day (2024-12-31)' },
] as const;

/** "\t" → "tab", for the detected-settings line. */
export function describeDelimiter(d: string | undefined): string {
  if (d === undefined) return '—';
  return DELIMITER_CHOICES.find((c) => c.value === d)?.label ?? JSON.stringify(d);
}
