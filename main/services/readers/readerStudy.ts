/**
 * Reader study mode (seed 004): each reader rates lesions on a probability of malignancy (0–100)
 * or a 5-point scale, first unaided and then aided (with the model output shown). Ratings are
 * stored in reader_rating (schema 10), one per reader × lesion × session; rating again replaces
 * the score and is audited. The report joins the ratings with an outcome variable of the cohort
 * (boolean, or categorical with a positive level; lesion or patient scope) and gives per reader
 * AUC with DeLong CI, sensitivity and specificity at a threshold, and the paired DeLong change
 * (main/compute/readers/readerStudy.ts).
 */
import type Database from 'better-sqlite3';
import type { Rating, RateRequest, ReaderStudyReport, ReaderStudyRequest } from '../../api/adjudication.js';
import { AppError } from '../../api/errors.js';
import { readerStudyStats } from '../../compute/readers/readerStudy.js';
import { StatsInputError } from '../../compute/stats/common.js';
import { appendAudit } from '../../../db/repositories/audit.js';
import type { StudyService } from '../study.js';
import { adjudicate, adjudicationQueue } from './adjudication.js';
import { categoricalAgreement } from './categorical.js';

const DEFAULT_THRESHOLD = { probability: 50, likert5: 4 } as const;

interface RatingRow {
  reader: string;
  lesion_id: number;
  patient_code: string;
  lesion_code: string;
  session: 'unaided' | 'aided';
  scale: 'probability' | 'likert5';
  score: number;
  rated_at: string;
}

const toRating = (r: RatingRow): Rating => ({
  reader: r.reader,
  lesionId: r.lesion_id,
  patientCode: r.patient_code,
  lesionCode: r.lesion_code,
  session: r.session,
  scale: r.scale,
  score: r.score,
  ratedAt: r.rated_at,
});

/** Outcome of every lesion (1 case, 0 control, NaN missing) from a cohort variable. */
export function lesionOutcomes(db: Database.Database, variable: string, positive?: string): Map<number, number> {
  const v = db.prepare('SELECT id, type, scope, levels FROM variable WHERE name = ?').get(variable) as
    { id: number; type: string; scope: 'lesion' | 'patient'; levels: string | null } | undefined;
  if (!v) throw new AppError('NOT_FOUND', `There is no variable "${variable}" in the data dictionary.`);
  if (v.type === 'boolean') {
    if (positive !== undefined)
      throw new AppError('VALIDATION', `"${variable}" is boolean (1 = case); leave out the positive level.`);
  } else if (v.type === 'categorical' || v.type === 'ordinal') {
    const levels = (JSON.parse(v.levels ?? '[]') as { code: string }[]).map((l) => l.code);
    if (positive === undefined || !levels.includes(positive))
      throw new AppError('VALIDATION', `Say which level of "${variable}" is the positive outcome (one of ${levels.join(', ')}).`);
  } else throw new AppError('VALIDATION', `"${variable}" is ${v.type}; the reader study needs a boolean or categorical outcome.`);
  const sql =
    v.scope === 'lesion'
      ? 'SELECT l.id AS lesionId, x.num, x.txt, x.missing_code AS mc FROM lesion l JOIN lesion_value x ON x.lesion_id = l.id AND x.variable_id = ?'
      : 'SELECT l.id AS lesionId, x.num, x.txt, x.missing_code AS mc FROM lesion l JOIN patient_value x ON x.patient_id = l.patient_id AND x.variable_id = ?';
  const out = new Map<number, number>();
  for (const r of db.prepare(sql).all(v.id) as {
    lesionId: number;
    num: number | null;
    txt: string | null;
    mc: string | null;
  }[]) {
    if (r.mc !== null) continue;
    if (v.type === 'boolean') {
      if (r.num === 0 || r.num === 1) out.set(r.lesionId, r.num);
    } else if (r.txt !== null) out.set(r.lesionId, r.txt === positive ? 1 : 0);
  }
  return out;
}

/** Kappa, adjudication and reader-study methods of the API. */
export class ReaderStudyService {
  constructor(private readonly study: StudyService) {}

  private db(write = false): Database.Database {
    const h = this.study.requireHandle();
    if (write && h.readOnly)
      throw new AppError(
        'STUDY_READ_ONLY',
        `The study is open read-only (${h.readOnlyReason ?? 'read-only'}); nothing can be recorded.`,
      );
    return h.db;
  }

  categorical = (req: Parameters<typeof categoricalAgreement>[1]) => categoricalAgreement(this.db(), req);
  queue = (req: Parameters<typeof adjudicationQueue>[1]) => adjudicationQueue(this.db(), req);
  decide = (req: Parameters<typeof adjudicate>[1]) => adjudicate(this.db(true), req);

  rate(req: RateRequest): Rating {
    const db = this.db(true);
    const reader = db.prepare('SELECT id FROM reader WHERE code = ?').get(req.reader) as { id: number } | undefined;
    if (!reader) throw new AppError('NOT_FOUND', `There is no reader "${req.reader}"; register the reader first (Readers view).`);
    if (!db.prepare('SELECT 1 FROM lesion WHERE id = ?').get(req.lesionId))
      throw new AppError('NOT_FOUND', `There is no lesion #${req.lesionId} in this study.`);
    const ok = req.scale === 'probability' ? req.score >= 0 && req.score <= 100 : [1, 2, 3, 4, 5].includes(req.score);
    if (!ok)
      throw new AppError(
        'VALIDATION',
        `Rating ${req.score} of lesion #${req.lesionId} is off the ${req.scale === 'probability' ? 'probability scale (0–100)' : '5-point scale (1, 2, 3, 4 or 5)'}.`,
      );
    const other = db
      .prepare('SELECT scale FROM reader_rating WHERE reader_id = ? AND scale <> ? LIMIT 1')
      .get(reader.id, req.scale) as { scale: string } | undefined;
    if (other)
      throw new AppError(
        'VALIDATION',
        `Reader ${req.reader} already rates on the ${other.scale} scale; one reader uses one scale.`,
      );
    if (req.session === 'aided') {
      const un = db
        .prepare("SELECT 1 FROM reader_rating WHERE reader_id = ? AND lesion_id = ? AND session = 'unaided'")
        .get(reader.id, req.lesionId);
      if (!un)
        throw new AppError(
          'VALIDATION',
          `Reader ${req.reader} must rate lesion #${req.lesionId} unaided before seeing the model output.`,
        );
    }
    const now = new Date().toISOString();
    db.transaction(() => {
      const before = db
        .prepare('SELECT score, rated_at FROM reader_rating WHERE reader_id = ? AND lesion_id = ? AND session = ?')
        .get(reader.id, req.lesionId, req.session);
      db.prepare(
        `INSERT INTO reader_rating(reader_id, lesion_id, session, scale, score, rated_at) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (reader_id, lesion_id, session) DO UPDATE SET scale = excluded.scale, score = excluded.score, rated_at = excluded.rated_at`,
      ).run(reader.id, req.lesionId, req.session, req.scale, req.score, now);
      appendAudit(db, {
        actor: req.reader,
        action: 'readerStudy.rate',
        entity: 'reader_rating',
        entityId: `${req.reader}:${req.lesionId}:${req.session}`,
        ...(before ? { before } : {}),
        after: { score: req.score, scale: req.scale, rated_at: now },
      });
    })();
    return this.ratings(req.reader).find((r) => r.lesionId === req.lesionId && r.session === req.session)!;
  }

  ratings(reader?: string): Rating[] {
    const rows = this.db()
      .prepare(
        `SELECT r.code AS reader, x.lesion_id, p.code AS patient_code, l.code AS lesion_code, x.session, x.scale, x.score, x.rated_at
           FROM reader_rating x JOIN reader r ON r.id = x.reader_id JOIN lesion l ON l.id = x.lesion_id JOIN patient p ON p.id = l.patient_id
          WHERE (? IS NULL OR r.code = ?) ORDER BY r.code, p.code, l.code, x.session DESC`,
      )
      .all(reader ?? null, reader ?? null) as RatingRow[];
    return rows.map(toRating);
  }

  report(req: ReaderStudyRequest): ReaderStudyReport {
    const outcomes = lesionOutcomes(this.db(), req.outcome, req.positive);
    const threshold = req.threshold ?? DEFAULT_THRESHOLD[req.scale];
    const all = this.ratings().filter((r) => r.scale === req.scale);
    if (all.length === 0) throw new AppError('VALIDATION', `No reader-study ratings on the ${req.scale} scale yet.`);
    const readers: ReaderStudyReport['readers'] = [];
    for (const code of [...new Set(all.map((r) => r.reader))]) {
      const own = all.filter((r) => r.reader === code);
      const lesions = [...new Set(own.map((r) => r.lesionId))].filter((id) => outcomes.has(id));
      const score = (id: number, s: 'unaided' | 'aided') => own.find((r) => r.lesionId === id && r.session === s)?.score ?? NaN;
      const y = lesions.map((id) => outcomes.get(id)!);
      try {
        const s = readerStudyStats(
          y,
          lesions.map((id) => score(id, 'unaided')),
          lesions.map((id) => score(id, 'aided')),
          threshold,
          req.confLevel,
        );
        readers.push({
          reader: code,
          ...s,
          note: s.change ? null : 'too few lesions rated in both sessions for the paired test',
        });
      } catch (e) {
        if (!(e instanceof StatsInputError)) throw e;
        readers.push({ reader: code, unaided: null, aided: null, change: null, note: `${code}: ${e.message}` });
      }
    }
    return { outcome: req.outcome, scale: req.scale, threshold, confLevel: req.confLevel, readers };
  }
}
