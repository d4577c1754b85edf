import type { ImportMapping } from '../../api/cohort.js';
import type { StoredVariable } from './repository.js';

const norm = (s: string) =>
  s
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^a-z0-9]+/g, '');

const ENTITY_ALIASES: Record<string, string[]> = {
  'patient.code': ['patient', 'patientid', 'patientcode', 'pid', 'subject', 'subjectid', 'case', 'caseid', 'studyid'],
  'center.code': ['center', 'centre', 'site', 'centerid', 'centreid', 'hospital', 'institution'],
  'center.scanner_vendor': ['vendor', 'scannervendor', 'manufacturer'],
  'center.field_strength_t': ['fieldstrength', 'tesla', 'magneticfieldstrength'],
  'lesion.code': ['lesion', 'lesionid', 'lesioncode', 'tumor', 'tumour', 'tumorid'],
  'lesion.side': ['side', 'laterality', 'breast'],
  'lesion.clock_position': ['clock', 'clockposition', 'oclock'],
  'lesion.quadrant': ['quadrant'],
  'lesion.is_index': ['index', 'indexlesion', 'isindex'],
  'lesion.multifocal_group': ['multifocal', 'multifocalgroup', 'focus'],
};

/** A first guess at the mapping from the header: entity fields by common names, variables by name or label. */
export function suggestMapping(header: string[], variables: StoredVariable[]): ImportMapping {
  const columns: Record<string, string> = {};
  const used = new Set<string>();
  for (const h of header) {
    const n = norm(h);
    let target: string | undefined;
    for (const [t, aliases] of Object.entries(ENTITY_ALIASES)) if (aliases.includes(n)) target = t;
    target ??=
      variables.find((v) => norm(v.name) === n || norm(v.label) === n) &&
      `var:${variables.find((v) => norm(v.name) === n || norm(v.label) === n)!.name}`;
    if (target && !used.has(target)) {
      columns[h] = target;
      used.add(target);
    } else {
      columns[h] = 'ignore';
    }
  }
  return { columns, options: { decimalComma: false, dateOrder: 'DMY' } };
}
