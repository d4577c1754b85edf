import type Database from 'better-sqlite3';
import { AppError } from '../../api/errors.js';

export interface FlowStep {
  label: string;
  /** Patients remaining after this step. */
  remaining: number;
  /** Patients (and lesions) excluded at this step, with the reason. */
  excluded: { code: string; label: string; patients: number; lesions: number } | null;
}

export interface ExclusionInput {
  patientCode: string;
  /** Exclude one lesion only (the patient stays if other lesions remain). */
  lesionCode?: string | undefined;
  reasonCode: string;
  reasonLabel?: string | undefined;
  note?: string | undefined;
}

const audit = (db: Database.Database, actor: string, action: string, entity: string, id: number, after: unknown) =>
  db
    .prepare('INSERT INTO audit_log(at, actor, action, entity, entity_id, after) VALUES (?, ?, ?, ?, ?, ?)')
    .run(new Date().toISOString(), actor, action, entity, String(id), JSON.stringify(after));

const defaultLabel = (code: string) => {
  const words = code.replace(/_/g, ' ').toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
};

/** Records an exclusion with its reason code (new codes are added to the study's list). */
export function addExclusion(db: Database.Database, x: ExclusionInput, actor: string): number {
  if (!/^[A-Z][A-Z0-9_]*$/.test(x.reasonCode)) {
    throw new AppError('VALIDATION', `Reason codes are upper case with _ (e.g. MRI_ARTIFACT), not "${x.reasonCode}".`);
  }
  const patient = db.prepare('SELECT id FROM patient WHERE code = ?').get(x.patientCode) as { id: number } | undefined;
  if (!patient) throw new AppError('NOT_FOUND', `There is no patient ${x.patientCode} in the study.`);
  let lesionId: number | null = null;
  if (x.lesionCode) {
    const l = db.prepare('SELECT id FROM lesion WHERE patient_id = ? AND code = ?').get(patient.id, x.lesionCode) as
      { id: number } | undefined;
    if (!l) throw new AppError('NOT_FOUND', `Patient ${x.patientCode} has no lesion ${x.lesionCode}.`);
    lesionId = l.id;
  }
  return db.transaction(() => {
    const known = db.prepare('SELECT code FROM exclusion_reason WHERE code = ?').get(x.reasonCode);
    if (!known) {
      const pos = (db.prepare('SELECT coalesce(max(position), 0) + 1 FROM exclusion_reason').pluck().get() as number) ?? 1;
      db.prepare('INSERT INTO exclusion_reason(code, label, position) VALUES (?, ?, ?)').run(
        x.reasonCode,
        x.reasonLabel ?? defaultLabel(x.reasonCode),
        pos,
      );
    }
    const id = Number(
      db
        .prepare('INSERT INTO exclusion(patient_id, lesion_id, reason_code, note, created_at) VALUES (?, ?, ?, ?, ?)')
        .run(lesionId === null ? patient.id : null, lesionId, x.reasonCode, x.note ?? null, new Date().toISOString())
        .lastInsertRowid,
    );
    audit(db, actor, 'cohort.exclusion.add', 'exclusion', id, x);
    return id;
  })();
}

export function removeExclusion(db: Database.Database, id: number, actor: string): void {
  const row = db.prepare('SELECT * FROM exclusion WHERE id = ?').get(id);
  if (!row) throw new AppError('NOT_FOUND', `There is no exclusion #${id}.`);
  db.transaction(() => {
    db.prepare('DELETE FROM exclusion WHERE id = ?').run(id);
    audit(db, actor, 'cohort.exclusion.remove', 'exclusion', id, row);
  })();
}

/**
 * The CONSORT-style flow: all patients, then one step per exclusion reason (in the reasons'
 * order; a patient excluded for several reasons counts at the first), then the analysed set.
 */
export function exclusionFlow(db: Database.Database): { steps: FlowStep[]; analysedPatients: number; analysedLesions: number } {
  const total = db.prepare('SELECT count(*) FROM patient').pluck().get() as number;
  const totalLesions = db.prepare('SELECT count(*) FROM lesion').pluck().get() as number;
  const reasons = db.prepare('SELECT code, label FROM exclusion_reason ORDER BY position, code').all() as {
    code: string;
    label: string;
  }[];
  const excludedPatients = new Set<number>();
  const excludedLesions = new Set<number>();
  const steps: FlowStep[] = [{ label: 'Patients assessed', remaining: total, excluded: null }];
  let remaining = total;
  for (const r of reasons) {
    const patients = (
      db
        .prepare('SELECT patient_id FROM exclusion WHERE reason_code = ? AND patient_id IS NOT NULL')
        .pluck()
        .all(r.code) as number[]
    ).filter((p) => !excludedPatients.has(p));
    patients.forEach((p) => excludedPatients.add(p));
    // A lesion excluded on its own counts only while its patient is still in.
    const lesions = (
      db
        .prepare(
          'SELECT e.lesion_id AS id, l.patient_id AS pid FROM exclusion e JOIN lesion l ON l.id = e.lesion_id WHERE e.reason_code = ?',
        )
        .all(r.code) as {
        id: number;
        pid: number;
      }[]
    ).filter((l) => !excludedLesions.has(l.id) && !excludedPatients.has(l.pid));
    lesions.forEach((l) => excludedLesions.add(l.id));
    remaining -= patients.length;
    steps.push({
      label: r.label,
      remaining,
      excluded: { code: r.code, label: r.label, patients: patients.length, lesions: lesions.length },
    });
  }
  const lesionsOfExcluded = excludedPatients.size
    ? (db
        .prepare(`SELECT count(*) FROM lesion WHERE patient_id IN (${[...excludedPatients].join(',')})`)
        .pluck()
        .get() as number)
    : 0;
  return { steps, analysedPatients: remaining, analysedLesions: totalLesions - lesionsOfExcluded - excludedLesions.size };
}

const esc = (s: string) => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);

/** The flow as a standalone SVG (boxes down the middle, exclusions to the right), for papers. */
export function flowSvg(flow: ReturnType<typeof exclusionFlow>): string {
  const W = 640;
  const boxW = 260;
  const boxH = 54;
  const gap = 34;
  const x = 40;
  const items: string[] = [];
  let y = 20;
  const box = (bx: number, by: number, w: number, lines: string[]) => {
    items.push(`<rect x="${bx}" y="${by}" width="${w}" height="${boxH}" rx="4" fill="#fff" stroke="#222" stroke-width="1.2"/>`);
    lines.forEach((l, i) =>
      items.push(
        `<text x="${bx + w / 2}" y="${by + 22 + i * 18}" text-anchor="middle" font-family="Arial, Helvetica, sans-serif" font-size="13">${esc(l)}</text>`,
      ),
    );
  };
  box(x, y, boxW, [flow.steps[0]!.label, `n = ${flow.steps[0]!.remaining}`]);
  for (const step of flow.steps.slice(1)) {
    const ex = step.excluded!;
    const midY = y + boxH + gap / 2;
    items.push(
      `<line x1="${x + boxW / 2}" y1="${y + boxH}" x2="${x + boxW / 2}" y2="${y + boxH + gap}" stroke="#222" stroke-width="1.2"/>`,
    );
    items.push(
      `<line x1="${x + boxW / 2}" y1="${midY + boxH / 2 - 10}" x2="${x + boxW + 40}" y2="${midY + boxH / 2 - 10}" stroke="#222" stroke-width="1.2"/>`,
    );
    box(x + boxW + 40, midY - 10, W - (x + boxW + 40) - 20, [
      `Excluded: ${ex.label}`,
      `n = ${ex.patients}${ex.lesions ? ` (+${ex.lesions} lesions)` : ''}`,
    ]);
    y += boxH + gap + boxH / 2;
    box(x, y, boxW, [`Remaining`, `n = ${step.remaining}`]);
  }
  y += boxH + gap;
  items.push(`<line x1="${x + boxW / 2}" y1="${y - gap}" x2="${x + boxW / 2}" y2="${y}" stroke="#222" stroke-width="1.2"/>`);
  box(x, y, boxW, ['Analysed', `${flow.analysedPatients} patients, ${flow.analysedLesions} lesions`]);
  const H = y + boxH + 20;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}"><rect width="100%" height="100%" fill="#fff"/>${items.join('')}</svg>\n`;
}
