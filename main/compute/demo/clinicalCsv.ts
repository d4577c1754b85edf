/**
 * The demo cohort as a clinical CSV (one row per lesion, patient variables repeated), with
 * the column → data-dictionary mapping that imports it (main/api/cohort.ts ImportMapping).
 */
import { DEMO_CENTERS } from './centers.js';
import type { DemoLesion, DemoPatient } from './clinical.js';

type Cell = string | number | boolean | null;

const yesNo = (b: boolean | null): string => (b === null ? '' : b ? 'yes' : 'no');

/** Column name → import target (entity field or `var:<dictionary name>`). */
export const CLINICAL_COLUMNS: readonly [column: string, target: string, value: (p: DemoPatient, l: DemoLesion) => Cell][] = [
  ['patient', 'patient.code', (p) => p.code],
  ['center', 'center.code', (p) => DEMO_CENTERS[p.center]!.code],
  ['lesion', 'lesion.code', (_, l) => l.code],
  ['side', 'lesion.side', (_, l) => l.side],
  ['quadrant', 'lesion.quadrant', (_, l) => l.quadrant],
  ['index_lesion', 'lesion.is_index', (_, l) => yesNo(l.isIndex)],
  ['multifocal_group', 'lesion.multifocal_group', (_, l) => l.multifocalGroup],
  ['age', 'var:age', (p) => p.age],
  ['menopausal_status', 'var:menopausal_status', (p) => p.menopausal],
  ['tumor_size_mm', 'var:tumor_size_mm', (_, l) => l.sizeMm],
  ['t_stage', 'var:t_stage', (_, l) => l.tStage],
  ['n_stage', 'var:n_stage', (_, l) => l.nStage],
  ['clinical_stage', 'var:clinical_stage', (_, l) => l.clinicalStage],
  ['aln_status', 'var:aln_status', (_, l) => (l.nStage === 'N0' ? 'non_metastatic' : 'metastatic')],
  ['histologic_type', 'var:histologic_type', (_, l) => l.histologicType],
  ['histologic_grade', 'var:histologic_grade', (_, l) => l.grade],
  ['er_pct', 'var:er_pct', (_, l) => l.erPct],
  ['pr_pct', 'var:pr_pct', (_, l) => l.prPct],
  ['her2_ihc', 'var:her2_ihc', (_, l) => l.her2Ihc],
  ['her2_ish', 'var:her2_ish', (_, l) => l.her2Ish],
  ['her2_ish_ratio', 'var:her2_ish_ratio', (_, l) => l.ishRatio],
  ['her2_ish_copies', 'var:her2_ish_copies', (_, l) => l.ishCopies],
  ['ki67_pct', 'var:ki67_pct', (_, l) => l.ki67Pct],
  ['mass_shape', 'var:mass_shape', (_, l) => l.massShape],
  ['mass_margin', 'var:mass_margin', (_, l) => l.massMargin],
  ['enhancement_pattern', 'var:enhancement_pattern', (_, l) => l.enhancementPattern],
  ['tic_type', 'var:tic_type', (_, l) => l.ticType],
  ['adc_mean', 'var:adc_mean', (_, l) => l.adcMean],
  ['peritumoral_edema', 'var:peritumoral_edema', (_, l) => yesNo(l.edema)],
  ['t2_signal', 'var:t2_signal', (_, l) => l.t2Signal],
  ['neoadjuvant', 'var:neoadjuvant', (p) => yesNo(p.neoadjuvant)],
  ['pcr', 'var:pcr', (p) => yesNo(p.pcr)],
  ['miller_payne', 'var:miller_payne', (p) => p.millerPayne],
  ['pfs_months', 'var:pfs_months', (p) => p.pfsMonths],
  ['pfs_event', 'var:pfs_event', (p) => yesNo(p.pfsEvent)],
  ['os_months', 'var:os_months', (p) => p.osMonths],
  ['os_event', 'var:os_event', (p) => yesNo(p.osEvent)],
];

/** The import mapping for clinicalCsv's header. */
export function clinicalMapping(): { columns: Record<string, string>; options: { decimalComma: false; dateOrder: 'DMY' } } {
  const columns: Record<string, string> = {};
  for (const [column, target] of CLINICAL_COLUMNS) columns[column] = target;
  return { columns, options: { decimalComma: false, dateOrder: 'DMY' } };
}

function csvCell(v: Cell): string {
  if (v === null) return '';
  const s = typeof v === 'boolean' ? yesNo(v) : String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** RFC 4180 CSV, comma-separated, LF line ends, one row per lesion. */
export function clinicalCsv(patients: readonly DemoPatient[]): string {
  const lines = [CLINICAL_COLUMNS.map(([c]) => c).join(',')];
  for (const p of patients) for (const l of p.lesions) lines.push(CLINICAL_COLUMNS.map(([, , f]) => csvCell(f(p, l))).join(','));
  return lines.join('\n') + '\n';
}
