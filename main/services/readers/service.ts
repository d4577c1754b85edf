import type Database from 'better-sqlite3';
import { AppError } from '../../api/errors.js';
import type {
  Assignment,
  AssignmentStatus,
  Blinding,
  BlindingItem,
  Reader,
  ReaderList,
  ReaderProgress,
  SubsetRequest,
  SubsetResult,
} from '../../api/readers.js';
import { blindingItems, ReaderRoleSchema } from '../../api/readers.js';
import { stratifiedSubset, SubsetInputError, subsetSize } from '../../compute/readers/subset.js';
import { appendAudit } from '../../../db/repositories/audit.js';
import { segmentationCases } from '../extraction/repository.js';
import type { StudyService } from '../study.js';

interface ReaderRow {
  id: number;
  code: string;
  name: string;
  role: string;
  created_at: string;
}

interface AssignmentRow {
  id: number;
  reader: string;
  lesion_id: number;
  patient_code: string;
  lesion_code: string;
  center: string;
  sequence: string;
  status: 'assigned' | 'done';
  origin: string;
  created_at: string;
}

interface LesionRow {
  id: number;
  patientCode: string;
  lesionCode: string;
  center: string;
}

/** Blinding defaults: everything hidden until a coordinator decides otherwise. */
const BLINDING_DEFAULT: Record<BlindingItem, boolean> = { otherReadersMasks: true, outcome: true, pathology: true };

/** Readers, their assignments (manual or a seeded stratified subset), progress and blinding settings. */
export class ReadersService {
  constructor(private readonly study: StudyService) {}

  private db(write = false): Database.Database {
    const h = this.study.requireHandle();
    if (write && h.readOnly)
      throw new AppError(
        'STUDY_READ_ONLY',
        `The study is open read-only (${h.readOnlyReason ?? 'read-only'}); readers and assignments cannot be changed.`,
      );
    return h.db;
  }

  private segmentationCounts(): Map<string, number> {
    const rows = this.db().prepare('SELECT reader, count(*) AS n FROM segmentation_current GROUP BY reader').all() as {
      reader: string;
      n: number;
    }[];
    return new Map(rows.map((r) => [r.reader, r.n]));
  }

  private readerRow(code: string): ReaderRow {
    const r = this.db().prepare('SELECT * FROM reader WHERE code = ?').get(code) as ReaderRow | undefined;
    if (!r)
      throw new AppError('NOT_FOUND', `There is no reader "${code}" in this study; register the reader first (Readers view).`);
    return r;
  }

  private toReader(r: ReaderRow, counts: Map<string, number>): Reader {
    return {
      code: r.code,
      name: r.name,
      role: ReaderRoleSchema.parse(r.role),
      createdAt: r.created_at,
      segmentations: counts.get(r.code) ?? 0,
    };
  }

  list(): ReaderList {
    const counts = this.segmentationCounts();
    const rows = this.db().prepare('SELECT * FROM reader ORDER BY code').all() as ReaderRow[];
    const known = new Set(rows.map((r) => r.code));
    return {
      readers: rows.map((r) => this.toReader(r, counts)),
      unregistered: [...counts]
        .filter(([code]) => !known.has(code))
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([code, segmentations]) => ({ code, segmentations })),
    };
  }

  save(input: { code: string; name: string; role: Reader['role'] }): Reader {
    const db = this.db(true);
    const before = db.prepare('SELECT * FROM reader WHERE code = ?').get(input.code) as ReaderRow | undefined;
    db.transaction(() => {
      if (before) db.prepare('UPDATE reader SET name = ?, role = ? WHERE id = ?').run(input.name, input.role, before.id);
      else
        db.prepare('INSERT INTO reader(code, name, role, created_at) VALUES (?, ?, ?, ?)').run(
          input.code,
          input.name,
          input.role,
          new Date().toISOString(),
        );
      appendAudit(db, {
        actor: 'coordinator',
        action: before ? 'reader.update' : 'reader.create',
        entity: 'reader',
        entityId: input.code,
        before: before ? { name: before.name, role: before.role } : undefined,
        after: { name: input.name, role: input.role },
      });
    })();
    return this.toReader(this.readerRow(input.code), this.segmentationCounts());
  }

  delete(code: string): { deleted: number } {
    const db = this.db(true);
    const r = this.readerRow(code);
    const n = db.prepare('SELECT count(*) FROM assignment WHERE reader_id = ?').pluck().get(r.id) as number;
    db.transaction(() => {
      db.prepare('DELETE FROM reader WHERE id = ?').run(r.id);
      appendAudit(db, {
        actor: 'coordinator',
        action: 'reader.delete',
        entity: 'reader',
        entityId: code,
        before: { name: r.name, role: r.role, assignments: n },
      });
    })();
    return { deleted: 1 };
  }

  /** Lesions of patients and lesions not excluded from the cohort, with their center. */
  private eligibleLesions(): LesionRow[] {
    return this.db()
      .prepare(
        `SELECT l.id, p.code AS patientCode, l.code AS lesionCode, c.code AS center
           FROM lesion l JOIN patient p ON p.id = l.patient_id JOIN center c ON c.id = p.center_id
          WHERE NOT EXISTS (SELECT 1 FROM exclusion e WHERE e.patient_id = p.id OR e.lesion_id = l.id)
          ORDER BY p.code, l.code`,
      )
      .all() as LesionRow[];
  }

  private insertAssignments(
    readerId: number,
    lesionIds: readonly number[],
    sequences: readonly string[],
    origin: Record<string, unknown>,
  ): { created: number; alreadyAssigned: number } {
    const db = this.db(true);
    const put = db.prepare(
      'INSERT OR IGNORE INTO assignment(reader_id, lesion_id, sequence, status, origin, created_at) VALUES (?, ?, ?, ?, ?, ?)',
    );
    const now = new Date().toISOString();
    let created = 0;
    for (const l of lesionIds)
      for (const q of sequences) created += put.run(readerId, l, q, 'assigned', JSON.stringify(origin), now).changes;
    return { created, alreadyAssigned: lesionIds.length * sequences.length - created };
  }

  assign(input: { reader: string; lesionIds: number[]; sequences: string[] }): { created: number; alreadyAssigned: number } {
    const db = this.db(true);
    const r = this.readerRow(input.reader);
    const exists = db.prepare('SELECT 1 FROM lesion WHERE id = ?');
    for (const id of input.lesionIds)
      if (!exists.get(id)) throw new AppError('NOT_FOUND', `There is no lesion #${id} in this study; nothing was assigned.`);
    const lesionIds = [...new Set(input.lesionIds)];
    const sequences = [...new Set(input.sequences)];
    let out = { created: 0, alreadyAssigned: 0 };
    db.transaction(() => {
      out = this.insertAssignments(r.id, lesionIds, sequences, { method: 'manual' });
      appendAudit(db, {
        actor: 'coordinator',
        action: 'assignment.create',
        entity: 'reader',
        entityId: input.reader,
        after: { lesionIds, sequences, ...out },
      });
    })();
    return out;
  }

  assignSubset(req: SubsetRequest): SubsetResult {
    const db = this.db(true);
    const r = this.readerRow(req.reader);
    const sequences = [...new Set(req.sequences)];
    let lesions = this.eligibleLesions();
    if (req.fromReader !== undefined) {
      const has = new Map<number, Set<string>>();
      for (const c of segmentationCases(db)) {
        if (c.reader !== req.fromReader) continue;
        const s = has.get(c.lesionId) ?? new Set();
        s.add(c.sequence);
        has.set(c.lesionId, s);
      }
      lesions = lesions.filter((l) => sequences.every((q) => has.get(l.id)?.has(q)));
    }
    if (lesions.length === 0)
      throw new AppError(
        'VALIDATION',
        req.fromReader
          ? `No lesion has a segmentation by ${req.fromReader} on ${sequences.join(', ')}; nothing was assigned.`
          : 'The cohort has no (non-excluded) lesion to assign; import the cohort first.',
      );
    let picked: ReturnType<typeof stratifiedSubset<{ key: string; stratum: string; lesion: LesionRow }>>;
    try {
      const total = subsetSize(lesions.length, req);
      picked = stratifiedSubset(
        lesions.map((l) => ({
          key: `${l.patientCode}/${l.lesionCode}`,
          stratum: req.stratifyByCenter ? l.center : 'all',
          lesion: l,
        })),
        total,
        req.seed,
      );
    } catch (e) {
      if (e instanceof SubsetInputError)
        throw new AppError('VALIDATION', `Subset for ${req.reader}: ${e.message}; nothing was assigned.`);
      throw e;
    }
    const chosen = picked.selected.map((s) => s.lesion);
    const origin = {
      method: 'subset',
      seed: req.seed,
      ...(req.count !== undefined ? { count: req.count } : { fraction: req.fraction }),
      fromReader: req.fromReader ?? null,
      stratifyByCenter: req.stratifyByCenter,
    };
    let out = { created: 0, alreadyAssigned: 0 };
    db.transaction(() => {
      out = this.insertAssignments(
        r.id,
        chosen.map((l) => l.id),
        sequences,
        origin,
      );
      appendAudit(db, {
        actor: 'coordinator',
        action: 'assignment.subset',
        entity: 'reader',
        entityId: req.reader,
        after: { ...origin, sequences, lesions: chosen.map((l) => `${l.patientCode}/${l.lesionCode}`), ...out },
      });
    })();
    // Per-center table over the centers of the eligible lesions (a stratum 'all' when not stratified).
    const perCenter = [...new Set(lesions.map((l) => l.center))].sort().map((center) => ({
      center,
      eligible: lesions.filter((l) => l.center === center).length,
      selected: chosen.filter((l) => l.center === center).length,
    }));
    return {
      reader: req.reader,
      seed: req.seed,
      eligible: lesions.length,
      selected: chosen.length,
      ...out,
      perCenter,
      lesions: chosen.map((l) => ({ lesionId: l.id, patientCode: l.patientCode, lesionCode: l.lesionCode, center: l.center })),
    };
  }

  /** (reader, lesion, sequence) triples that have a segmentation. */
  private segmentedKeys(): Set<string> {
    return new Set(segmentationCases(this.db()).map((c) => `${c.reader}\0${c.lesionId}\0${c.sequence}`));
  }

  private assignmentRows(reader?: string, id?: number): AssignmentRow[] {
    const where: string[] = [];
    const args: (string | number)[] = [];
    if (reader !== undefined) {
      where.push('r.code = ?');
      args.push(reader);
    }
    if (id !== undefined) {
      where.push('a.id = ?');
      args.push(id);
    }
    return this.db()
      .prepare(
        `SELECT a.id, r.code AS reader, a.lesion_id, p.code AS patient_code, l.code AS lesion_code, c.code AS center,
                a.sequence, a.status, a.origin, a.created_at
           FROM assignment a JOIN reader r ON r.id = a.reader_id JOIN lesion l ON l.id = a.lesion_id
           JOIN patient p ON p.id = l.patient_id JOIN center c ON c.id = p.center_id
           ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
          ORDER BY r.code, p.code, l.code, a.sequence`,
      )
      .all(...args) as AssignmentRow[];
  }

  private toAssignment(a: AssignmentRow, segmented: Set<string>): Assignment {
    const isSegmented = segmented.has(`${a.reader}\0${a.lesion_id}\0${a.sequence}`);
    const status: AssignmentStatus = a.status === 'done' ? 'done' : isSegmented ? 'segmented' : 'assigned';
    return {
      id: a.id,
      reader: a.reader,
      lesionId: a.lesion_id,
      patientCode: a.patient_code,
      lesionCode: a.lesion_code,
      center: a.center,
      sequence: a.sequence,
      status,
      origin: JSON.parse(a.origin) as Record<string, unknown>,
      createdAt: a.created_at,
    };
  }

  assignments(reader?: string): Assignment[] {
    if (reader !== undefined) this.readerRow(reader);
    const seg = this.segmentedKeys();
    return this.assignmentRows(reader).map((a) => this.toAssignment(a, seg));
  }

  setStatus(id: number, status: 'assigned' | 'done'): Assignment {
    const db = this.db(true);
    const row = this.assignmentRows(undefined, id)[0];
    if (!row) throw new AppError('NOT_FOUND', `There is no assignment #${id} in this study.`);
    const seg = this.segmentedKeys();
    const current = this.toAssignment(row, seg);
    if (status === 'done' && current.status === 'assigned')
      throw new AppError(
        'VALIDATION',
        `Reader ${row.reader} has no segmentation of ${row.patient_code}/${row.lesion_code} on ${row.sequence} yet; it cannot be marked done.`,
      );
    db.transaction(() => {
      db.prepare('UPDATE assignment SET status = ? WHERE id = ?').run(status, id);
      appendAudit(db, {
        actor: row.reader,
        action: 'assignment.status',
        entity: 'assignment',
        entityId: id,
        before: { status: current.status },
        after: { status },
      });
    })();
    return this.toAssignment(this.assignmentRows(undefined, id)[0]!, seg);
  }

  unassign(ids: number[]): { deleted: number } {
    const db = this.db(true);
    const get = db.prepare('SELECT id FROM assignment WHERE id = ?');
    for (const id of ids)
      if (!get.get(id)) throw new AppError('NOT_FOUND', `There is no assignment #${id}; nothing was removed.`);
    let deleted = 0;
    db.transaction(() => {
      const del = db.prepare('DELETE FROM assignment WHERE id = ?');
      for (const id of new Set(ids)) deleted += del.run(id).changes;
      appendAudit(db, { actor: 'coordinator', action: 'assignment.delete', entity: 'assignment', before: { ids } });
    })();
    return { deleted };
  }

  progress(): ReaderProgress[] {
    const seg = this.segmentedKeys();
    const rows = this.assignmentRows().map((a) => this.toAssignment(a, seg));
    return (this.db().prepare('SELECT * FROM reader ORDER BY code').all() as ReaderRow[]).map((r) => {
      const own = rows.filter((a) => a.reader === r.code);
      return {
        code: r.code,
        name: r.name,
        role: ReaderRoleSchema.parse(r.role),
        assigned: own.length,
        // Progress counts: segmented includes the ones marked done (done ⊂ segmented ⊂ assigned).
        segmented: own.filter((a) => a.status !== 'assigned').length,
        done: own.filter((a) => a.status === 'done').length,
      };
    });
  }

  blinding(): Blinding {
    const rows = new Map(
      (
        this.db().prepare('SELECT item, hidden, updated_by, updated_at FROM blinding').all() as {
          item: BlindingItem;
          hidden: number;
          updated_by: string;
          updated_at: string;
        }[]
      ).map((r) => [r.item, r]),
    );
    return {
      items: blindingItems.map((item) => {
        const r = rows.get(item);
        return {
          item,
          hidden: r ? r.hidden === 1 : BLINDING_DEFAULT[item],
          updatedBy: r?.updated_by ?? null,
          updatedAt: r?.updated_at ?? null,
        };
      }),
    };
  }

  setBlinding(items: Partial<Record<BlindingItem, boolean>>, by: string): Blinding {
    const db = this.db(true);
    const before = this.blinding();
    const now = new Date().toISOString();
    db.transaction(() => {
      const put = db.prepare(
        `INSERT INTO blinding(item, hidden, updated_by, updated_at) VALUES (?, ?, ?, ?)
         ON CONFLICT(item) DO UPDATE SET hidden = excluded.hidden, updated_by = excluded.updated_by, updated_at = excluded.updated_at`,
      );
      for (const [item, hidden] of Object.entries(items)) put.run(item, hidden ? 1 : 0, by, now);
      appendAudit(db, {
        actor: by,
        action: 'blinding.set',
        entity: 'blinding',
        before: Object.fromEntries(before.items.map((i) => [i.item, i.hidden])),
        after: items,
      });
    })();
    return this.blinding();
  }
}
