/**
 * Adjudication of two readers' disagreements. The queue lists, per lesion, the sequences where
 * the readers' masks agree poorly (lowest Dice over the lesion's series on that sequence below a
 * threshold, default 0.7, from maskAgreement) and the dual-read categorical variables where the
 * two reads differ (categorical.ts). An adjudicator (a registered reader with role
 * 'adjudicator') or 'consensus' resolves an item by choosing one reader's mask or read, or, for a
 * variable, by recording a consensus level. Decisions are stored in `adjudication` (schema 10)
 * and every change is written to the audit log.
 *
 * Masks that feed modeling can be 'adjudicated' (extraction table / export with reader
 * 'adjudicated'): per lesion × sequence the chosen reader's segmentation, and the primary reader
 * (the first of the adjudicated pair) where no decision was needed.
 */
import type Database from 'better-sqlite3';
import type { AdjudicateRequest, AdjudicationItem, AdjudicationQueue, AdjudicationQueueRequest } from '../../api/adjudication.js';
import { AppError } from '../../api/errors.js';
import { appendAudit } from '../../../db/repositories/audit.js';
import { maskAgreement } from './agreement.js';
import { dualReads, readsOf } from './categorical.js';

/** Reader code that stands for the masks chosen by adjudication. */
export const ADJUDICATED = 'adjudicated';

interface DecisionRow {
  lesion_id: number;
  kind: 'mask' | 'variable';
  target: string;
  readers: string;
  chosen_reader: string | null;
  value: string | null;
  decided_by: string;
  decided_at: string;
  note: string | null;
}

const toDecision = (r: DecisionRow): NonNullable<AdjudicationItem['decision']> => ({
  chosenReader: r.chosen_reader,
  value: r.value,
  decidedBy: r.decided_by,
  decidedAt: r.decided_at,
  note: r.note,
});

function lesionCodes(db: Database.Database): Map<number, { patientCode: string; lesionCode: string }> {
  const rows = db
    .prepare('SELECT l.id, p.code AS patientCode, l.code AS lesionCode FROM lesion l JOIN patient p ON p.id = l.patient_id')
    .all() as { id: number; patientCode: string; lesionCode: string }[];
  return new Map(rows.map((r) => [r.id, { patientCode: r.patientCode, lesionCode: r.lesionCode }]));
}

export function adjudicationQueue(db: Database.Database, req: AdjudicationQueueRequest): AdjudicationQueue {
  const decisions = new Map<string, DecisionRow>();
  for (const r of db.prepare('SELECT * FROM adjudication').all() as DecisionRow[])
    decisions.set(`${r.lesion_id}\0${r.kind}\0${r.target}`, r);
  const items: AdjudicationItem[] = [];
  // Masks: the lowest whole-mask Dice (any label) of the lesion's series on each sequence.
  const worst = new Map<string, { lesionId: number; patientCode: string; lesionCode: string; sequence: string; dice: number }>();
  for (const r of maskAgreement(db, { readers: req.readers, sequences: [] }).rows) {
    if (r.label !== null) continue;
    const key = `${r.lesionId}\0${r.sequence}`;
    const w = worst.get(key);
    if (!w || r.dice < w.dice) worst.set(key, { ...r, dice: r.dice });
  }
  for (const w of worst.values()) {
    if (!(w.dice < req.diceThreshold)) continue;
    const d = decisions.get(`${w.lesionId}\0mask\0${w.sequence}`);
    items.push({
      lesionId: w.lesionId,
      patientCode: w.patientCode,
      lesionCode: w.lesionCode,
      kind: 'mask',
      target: w.sequence,
      reason: `Dice ${w.dice.toFixed(2)} < ${req.diceThreshold.toFixed(2)}`,
      dice: w.dice,
      values: [null, null],
      decision: d ? toDecision(d) : null,
    });
  }
  const codes = lesionCodes(db);
  for (const v of dualReads(db, req.readers)) {
    for (const [lesionId, [x, y]] of readsOf(db, v)) {
      if (x === null || y === null || x === y) continue;
      const d = decisions.get(`${lesionId}\0variable\0${v.base}`);
      const c = codes.get(lesionId)!;
      items.push({
        lesionId,
        ...c,
        kind: 'variable',
        target: v.base,
        reason: `${req.readers[0]}: ${x}, ${req.readers[1]}: ${y}`,
        dice: null,
        values: [x, y],
        decision: d ? toDecision(d) : null,
      });
    }
  }
  items.sort(
    (a, b) =>
      (a.patientCode < b.patientCode ? -1 : a.patientCode > b.patientCode ? 1 : 0) ||
      (a.lesionCode < b.lesionCode ? -1 : a.lesionCode > b.lesionCode ? 1 : 0) ||
      (a.kind < b.kind ? -1 : a.kind > b.kind ? 1 : 0) ||
      (a.target < b.target ? -1 : a.target > b.target ? 1 : 0),
  );
  const decided = items.filter((i) => i.decision !== null).length;
  return { readers: req.readers, diceThreshold: req.diceThreshold, items, open: items.length - decided, decided };
}

export function adjudicate(db: Database.Database, req: AdjudicateRequest): NonNullable<AdjudicationItem['decision']> {
  const lesion = lesionCodes(db).get(req.lesionId);
  if (!lesion) throw new AppError('NOT_FOUND', `There is no lesion #${req.lesionId} in this study.`);
  const where = `${lesion.patientCode}/${lesion.lesionCode} ${req.kind} ${req.target}`;
  if (req.by !== 'consensus') {
    const r = db.prepare('SELECT role FROM reader WHERE code = ?').get(req.by) as { role: string } | undefined;
    if (!r)
      throw new AppError(
        'NOT_FOUND',
        `There is no reader "${req.by}"; adjudicate as a registered adjudicator or as 'consensus'.`,
      );
    if (r.role !== 'adjudicator')
      throw new AppError(
        'VALIDATION',
        `Reader "${req.by}" has role ${r.role}; only an adjudicator (or 'consensus') can decide ${where}.`,
      );
    if (req.readers.includes(req.by))
      throw new AppError('VALIDATION', `Reader "${req.by}" is one of the two readers of ${where} and cannot adjudicate it.`);
  }
  if (req.kind === 'mask') {
    if (req.value !== undefined)
      throw new AppError('VALIDATION', `A mask (${where}) is adjudicated by choosing a reader's segmentation, not a value.`);
    const has = (
      db
        .prepare('SELECT count(*) AS n FROM segmentation WHERE lesion_id = ? AND reader = ?')
        .get(req.lesionId, req.chosenReader) as { n: number }
    ).n;
    if (has === 0)
      throw new AppError(
        'VALIDATION',
        `Reader "${req.chosenReader}" has no segmentation of lesion ${lesion.patientCode}/${lesion.lesionCode}.`,
      );
  } else {
    const v = dualReads(db, req.readers).find((d) => d.base === req.target);
    if (!v)
      throw new AppError('NOT_FOUND', `"${req.target}" is not a dual-read variable of ${req.readers[0]} and ${req.readers[1]}.`);
    if (req.chosenReader !== undefined && !req.readers.includes(req.chosenReader))
      throw new AppError('VALIDATION', `Choose ${req.readers[0]} or ${req.readers[1]} for ${where} (got ${req.chosenReader}).`);
    if (req.value !== undefined && !v.levels.includes(req.value))
      throw new AppError('VALIDATION', `"${req.value}" is not a level of ${req.target} (levels: ${v.levels.join(', ')}).`);
  }
  const now = new Date().toISOString();
  const row = {
    lesion_id: req.lesionId,
    kind: req.kind,
    target: req.target,
    readers: req.readers.join(','),
    chosen_reader: req.chosenReader ?? null,
    value: req.value ?? null,
    decided_by: req.by,
    decided_at: now,
    note: req.note ?? null,
  };
  db.transaction(() => {
    const before = db
      .prepare('SELECT * FROM adjudication WHERE lesion_id = ? AND kind = ? AND target = ?')
      .get(req.lesionId, req.kind, req.target) as DecisionRow | undefined;
    db.prepare(
      `INSERT INTO adjudication(lesion_id, kind, target, readers, chosen_reader, value, decided_by, decided_at, note)
       VALUES (@lesion_id, @kind, @target, @readers, @chosen_reader, @value, @decided_by, @decided_at, @note)
       ON CONFLICT (lesion_id, kind, target) DO UPDATE SET readers = excluded.readers, chosen_reader = excluded.chosen_reader,
         value = excluded.value, decided_by = excluded.decided_by, decided_at = excluded.decided_at, note = excluded.note`,
    ).run(row);
    appendAudit(db, {
      actor: req.by,
      action: 'adjudication.decide',
      entity: 'adjudication',
      entityId: `${req.lesionId}:${req.kind}:${req.target}`,
      ...(before ? { before } : {}),
      after: row,
    });
  })();
  return toDecision(row);
}

/**
 * Which reader's segmentation feeds the 'adjudicated' rows, per `${lesionId}\0${sequence}`:
 * the chosen reader where a mask decision exists, else the primary reader of the decisions.
 */
export function adjudicatedChoice(db: Database.Database): { primary: string; chosen: Map<string, string> } {
  const rows = db
    .prepare("SELECT lesion_id, target, readers, chosen_reader FROM adjudication WHERE kind = 'mask' ORDER BY decided_at DESC")
    .all() as { lesion_id: number; target: string; readers: string; chosen_reader: string }[];
  if (rows.length === 0)
    throw new AppError(
      'VALIDATION',
      "No mask has been adjudicated in this study yet, so there are no 'adjudicated' masks; adjudicate the queue (Readers view) or choose a reader.",
    );
  const primaries = new Set(rows.map((r) => r.readers.split(',')[0]!));
  if (primaries.size > 1)
    throw new AppError(
      'VALIDATION',
      `Mask decisions were taken for different reader pairs (primary readers ${[...primaries].join(', ')}).`,
    );
  return { primary: [...primaries][0]!, chosen: new Map(rows.map((r) => [`${r.lesion_id}\0${r.target}`, r.chosen_reader])) };
}
