/**
 * The flow diagram of an analysis (CONSORT / STARD style): patients assessed in the study,
 * excluded with their reasons (the cohort's exclusion list), included; then the analysis table's
 * rows, those left out with the reason (no outcome, another reader…), analysed, and the split into
 * training, internal test and external validation sets. Drawn as a standalone SVG for the paper.
 */
import type { AnalysisResult } from '../compute/ml/analysis.js';
import type { FlowStep } from '../services/cohort/exclusions.js';
import type { StudyFlow } from './charts/studyTypes.js';

export interface CohortFlowInput {
  steps: FlowStep[];
  analysedPatients: number;
  analysedLesions: number;
}

const distinct = (xs: readonly string[]): number => new Set(xs).size;

export function studyFlow(r: AnalysisResult, cohort: CohortFlowInput | null): StudyFlow {
  const main: StudyFlow['main'] = [];
  const excluded: StudyFlow['excluded'] = [];
  // A study without patients (the analysis came from a table only) has no screening to show.
  if (cohort && cohort.steps.length && cohort.steps[0]!.remaining > 0) {
    main.push({ label: 'Patients assessed for eligibility', patients: cohort.steps[0]!.remaining });
    for (const s of cohort.steps.slice(1))
      if (s.excluded && (s.excluded.patients > 0 || s.excluded.lesions > 0))
        excluded.push({
          at: 0,
          label: s.excluded.label,
          patients: s.excluded.patients,
          ...(s.excluded.lesions ? { rows: s.excluded.lesions } : {}),
        });
    main.push({ label: 'Included in the study', patients: cohort.analysedPatients, rows: cohort.analysedLesions });
  }
  const droppedPatients = r.rows.dropped.map((d) => d.id);
  const tablePatients = distinct([...r.rows.groups, ...droppedPatients]);
  const tableRows = r.rows.n + r.rows.dropped.length;
  main.push({
    label: 'Rows of the analysis table',
    patients: tablePatients,
    ...(tableRows !== tablePatients ? { rows: tableRows } : {}),
  });
  const reasons = new Map<string, string[]>();
  for (const d of r.rows.dropped) {
    const key = d.reason.replace(/'[^']*' is '[^']*'/, (m) => m.replace(/is '[^']*'/, 'has another value'));
    reasons.set(key, [...(reasons.get(key) ?? []), d.id]);
  }
  for (const [label, ids] of reasons)
    excluded.push({
      at: main.length - 1,
      label: label.charAt(0).toUpperCase() + label.slice(1),
      patients: distinct(ids),
      ...(ids.length !== distinct(ids) ? { rows: ids.length } : {}),
    });
  const analysedPatients = distinct(r.rows.groups);
  main.push({ label: 'Analysed', patients: analysedPatients, ...(r.rows.n !== analysedPatients ? { rows: r.rows.n } : {}) });
  const names = { train: 'Training set', test: 'Internal test set', external: 'External validation set' } as const;
  const sets: StudyFlow['sets'] = (['train', 'test', 'external'] as const)
    .filter((k) => r.split.counts[k].rows > 0)
    .map((k) => {
      const c = r.split.counts[k];
      return {
        label: `${names[k]} (${c.events} with ${r.spec.outcome.column} = ${String(r.spec.outcome.positive)})`,
        patients: c.groups,
        ...(c.rows !== c.groups ? { rows: c.rows } : {}),
      };
    });
  return { analysis: r.spec.name, main, excluded, sets };
}

const esc = (s: string): string => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);

const count = (b: { patients: number; rows?: number }): string =>
  `n = ${b.patients} patients${b.rows !== undefined ? ` (${b.rows} lesions/rows)` : ''}`;

/** Boxes down the middle, exclusions to the right, the sets side by side at the bottom. */
export function flowDiagramSvg(f: StudyFlow): string {
  const FONT = 'font-family="Liberation Sans, Arial, Helvetica, sans-serif"';
  const boxW = 300;
  const boxH = 46;
  const exW = 300;
  const gap = 26;
  const setW = 200;
  const W = Math.max(40 + boxW + 40 + exW + 20, 20 + f.sets.length * (setW + 16) + 20);
  const items: string[] = [];
  const x = 40;
  const line = (x1: number, y1: number, x2: number, y2: number): void => {
    items.push(`<line x1="${x1}" y1="${y1}" x2="${x2}" y2="${y2}" stroke="#222" stroke-width="1.2" marker-end="url(#arrow)"/>`);
  };
  const box = (bx: number, by: number, w: number, h: number, lines: string[], cls: string): void => {
    items.push(
      `<g class="${cls}"><rect x="${bx}" y="${by}" width="${w}" height="${h}" rx="3" fill="#fff" stroke="#222" stroke-width="1.2"/>`,
    );
    lines.forEach((l, i) =>
      items.push(`<text x="${bx + w / 2}" y="${by + 18 + i * 16}" text-anchor="middle" ${FONT} font-size="12">${esc(l)}</text>`),
    );
    items.push('</g>');
  };
  let y = 20;
  f.main.forEach((b, k) => {
    box(x, y, boxW, boxH, [b.label, count(b)], 'flow-main');
    const ex = f.excluded.filter((e) => e.at === k);
    if (k < f.main.length - 1) {
      let yy = y + boxH;
      if (ex.length) {
        const exH = 20 + 16 * ex.length;
        const ey = y + boxH + gap / 2;
        line(x + boxW / 2, yy, x + boxW / 2, ey + exH + gap / 2);
        line(x + boxW / 2, ey + exH / 2, x + boxW + 40, ey + exH / 2);
        items.push(
          `<g class="flow-excluded"><rect x="${x + boxW + 40}" y="${ey}" width="${exW}" height="${exH}" rx="3" fill="#fff" stroke="#222" stroke-width="1.2"/>`,
        );
        items.push(`<text x="${x + boxW + 48}" y="${ey + 15}" ${FONT} font-size="12" font-weight="bold">Excluded</text>`);
        ex.forEach((e, i) =>
          items.push(
            `<text x="${x + boxW + 48}" y="${ey + 31 + i * 16}" ${FONT} font-size="11">${esc(`${e.label}: ${count(e)}`)}</text>`,
          ),
        );
        items.push('</g>');
        y = ey + exH + gap / 2;
      } else {
        line(x + boxW / 2, yy, x + boxW / 2, yy + gap);
        y = yy + gap;
      }
      yy = y;
    } else y += boxH;
  });
  if (f.sets.length) {
    const total = f.sets.length * setW + (f.sets.length - 1) * 16;
    const x0 = Math.max(20, x + boxW / 2 - total / 2);
    const busY = y + gap / 2;
    items.push(`<line x1="${x + boxW / 2}" y1="${y}" x2="${x + boxW / 2}" y2="${busY}" stroke="#222" stroke-width="1.2"/>`);
    const centres = f.sets.map((_, i) => x0 + i * (setW + 16) + setW / 2);
    items.push(
      `<line x1="${centres[0]}" y1="${busY}" x2="${centres[centres.length - 1]}" y2="${busY}" stroke="#222" stroke-width="1.2"/>`,
    );
    f.sets.forEach((s, i) => {
      line(centres[i]!, busY, centres[i]!, busY + gap / 2);
      const words = s.label.split(' (');
      box(x0 + i * (setW + 16), busY + gap / 2, setW, 62, [words[0]!, words[1] ? `(${words[1]}` : '', count(s)], 'flow-set');
    });
    y = busY + gap / 2 + 62;
  }
  const H = y + 20;
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" data-figure="flow">` +
    `<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="6" markerHeight="6" orient="auto"><path d="M0,0 L10,5 L0,10 z" fill="#222"/></marker></defs>` +
    `<rect width="100%" height="100%" fill="#fff"/>${items.join('')}</svg>\n`
  );
}
