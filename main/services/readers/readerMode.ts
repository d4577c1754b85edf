/**
 * Reader mode, enforced where the data leaves the study: the router's handlers are wrapped so
 * that, while a reader-mode session is active, every API method that would show a reader what
 * the study blinds them to either filters its answer or refuses (FORBIDDEN, saying why and what
 * to do). The UI hides the same things because it only ever sees these answers.
 *
 * What is hidden comes from the blinding settings (readers.blinding.*) at the moment the session
 * starts and stays fixed for the session; entering and leaving are written to the audit log with
 * the hidden items. Definitions:
 * - otherReadersMasks: segmentations (and features, agreement, adjudication built from them)
 *   of any reader code but the session's;
 * - outcome: dictionary variables with role 'outcome';
 * - pathology: dictionary variables in group 'Pathology' or 'Receptors' (histology, stage, IHC).
 * Coordinator work (readers, assignments, blinding, dictionary, imports, audit log) is refused
 * in reader mode whatever the blinding says.
 */
import type Database from 'better-sqlite3';
import type { BlindingItem, Method, Output, ParsedInput } from '../../api/contract.js';
import { AppError } from '../../api/errors.js';
import type { ReaderMode } from '../../api/readerMode.js';
import { appendAudit } from '../../../db/repositories/audit.js';
import type { CallContext, Handlers } from '../router.js';
import type { StudyService } from '../study.js';
import type { ReadersService } from './service.js';

export const PATHOLOGY_GROUPS = ['pathology', 'receptors'] as const;

interface Session {
  reader: string;
  hidden: Set<BlindingItem>;
  startedAt: string;
  /** The open study the session belongs to (a reopened study is a new handle). */
  handle: object;
}

export class ReaderModeService {
  private session: Session | null = null;

  constructor(
    private readonly study: StudyService,
    private readonly readers: ReadersService,
  ) {}

  /** The active session of the open study (a session ends with its study). */
  active(): Session | null {
    const h = this.study.handle();
    if (this.session && h !== this.session.handle) this.session = null;
    return this.session;
  }

  get(): ReaderMode {
    const s = this.active();
    return { reader: s?.reader ?? null, hidden: s ? [...s.hidden] : [], startedAt: s?.startedAt ?? null };
  }

  enter(reader: string): ReaderMode {
    const h = this.study.requireHandle();
    const current = this.active();
    if (current)
      throw new AppError(
        'VALIDATION',
        `Reader mode is already on for ${current.reader}; exit it before starting a session for ${reader}.`,
      );
    if (h.readOnly)
      throw new AppError(
        'STUDY_READ_ONLY',
        'The study is open read-only, so the reader session could not be recorded in the audit log; open it writable.',
      );
    const r = h.db.prepare('SELECT role FROM reader WHERE code = ?').get(reader) as { role: string } | undefined;
    if (!r) throw new AppError('NOT_FOUND', `There is no reader "${reader}" in this study; register the reader first.`);
    if (r.role === 'coordinator')
      throw new AppError('VALIDATION', `"${reader}" is a coordinator; reader mode is for readers and adjudicators.`);
    const blinding = this.readers.blinding().items;
    const hidden = blinding.filter((b) => b.hidden).map((b) => b.item);
    const startedAt = new Date().toISOString();
    appendAudit(h.db, {
      actor: reader,
      action: 'readerMode.enter',
      entity: 'reader',
      entityId: reader,
      after: { hidden, shown: blinding.filter((b) => !b.hidden).map((b) => b.item) },
    });
    this.session = { reader, hidden: new Set(hidden), startedAt, handle: h };
    return this.get();
  }

  exit(): ReaderMode {
    const s = this.active();
    if (!s) return this.get();
    const h = this.study.requireHandle();
    appendAudit(h.db, {
      actor: s.reader,
      action: 'readerMode.exit',
      entity: 'reader',
      entityId: s.reader,
      before: { hidden: [...s.hidden], startedAt: s.startedAt },
    });
    this.session = null;
    return this.get();
  }

  private db(): Database.Database {
    return this.study.requireHandle().db;
  }

  /** Names of the dictionary variables the session hides. */
  hiddenVariables(s: Session): Set<string> {
    const rows = this.db().prepare('SELECT name, role, grp FROM variable').all() as {
      name: string;
      role: string;
      grp: string | null;
    }[];
    return new Set(rows.filter((v) => hidesVariable(s, v.role, v.grp)).map((v) => v.name));
  }

  /** The voxel channel (HTTP bridge, Electron IPC) asks here before sending a mask. */
  checkMaskAccess(id: number): void {
    const s = this.active();
    if (!s || !blindedMasks(s)) return;
    const owner = this.segmentationReader(id);
    if (owner !== null && owner !== s.reader) refuse(s, `segmentation #${id} is ${owner}'s and other readers' masks are blinded`);
  }

  segmentationReader(id: number): string | null {
    const r = this.db().prepare('SELECT reader FROM segmentation WHERE id = ?').get(id) as { reader: string } | undefined;
    return r?.reader ?? null;
  }
}

function hidesVariable(s: Session, role: string | null, group: string | null): boolean {
  if (s.hidden.has('outcome') && role === 'outcome') return true;
  return s.hidden.has('pathology') && group !== null && (PATHOLOGY_GROUPS as readonly string[]).includes(group.toLowerCase());
}

function refuse(s: Session, what: string): never {
  throw new AppError('FORBIDDEN', `Reader mode (${s.reader}): ${what}. Exit reader mode (Readers view) to do this.`);
}

const blindedMasks = (s: Session) => s.hidden.has('otherReadersMasks');
const blindedClinical = (s: Session) => s.hidden.has('outcome') || s.hidden.has('pathology');

type Guard<M extends Method> = (
  s: Session,
  input: ParsedInput<M>,
  next: () => Promise<Output<M>>,
  mode: ReaderModeService,
) => Promise<Output<M>>;
type Guards = { [M in Method]?: Guard<M> };

const coordinatorOnly = (what: string) => (s: Session) => refuse(s, `${what} is coordinator work`);
const onlyOwn =
  (what: string) =>
  async <T>(s: Session, input: { reader: string }, next: () => Promise<T>): Promise<T> => {
    if (input.reader !== s.reader) refuse(s, `${what} only under your own reader code ${s.reader} (got ${input.reader})`);
    return next();
  };
const whenMasksBlinded =
  (what: string) =>
  async <T>(s: Session, _input: unknown, next: () => Promise<T>): Promise<T> => {
    if (blindedMasks(s)) refuse(s, `other readers' masks are blinded, so ${what} is not shown`);
    return next();
  };
const whenClinicalBlinded =
  (what: string) =>
  async <T>(s: Session, _input: unknown, next: () => Promise<T>): Promise<T> => {
    if (blindedClinical(s)) refuse(s, `outcome or pathology data are blinded, so ${what} is not available`);
    return next();
  };
const whenOutcomeBlinded =
  (what: string) =>
  async <T>(s: Session, _input: unknown, next: () => Promise<T>): Promise<T> => {
    if (s.hidden.has('outcome')) refuse(s, `the outcome is blinded, so ${what} is not available`);
    return next();
  };

const GUARDS: Guards = {
  'readers.save': coordinatorOnly('registering readers'),
  'readers.delete': coordinatorOnly('removing readers'),
  'readers.assign': coordinatorOnly('assigning lesions'),
  'readers.assignSubset': coordinatorOnly('assigning lesions'),
  'readers.unassign': coordinatorOnly('removing assignments'),
  'readers.blinding.set': coordinatorOnly('changing the blinding'),
  'exchange.exportAssignment': coordinatorOnly('exporting assignment packages'),
  'exchange.importResult': coordinatorOnly('importing result packages'),
  'readerStudy.importRatings': coordinatorOnly('importing ratings'),
  'cohort.variable.save': coordinatorOnly('editing the data dictionary'),
  'cohort.variable.delete': coordinatorOnly('editing the data dictionary'),
  'cohort.import.commit': coordinatorOnly('importing clinical data'),
  'cohort.import.preview': coordinatorOnly('importing clinical data'),
  'cohort.import.undo': coordinatorOnly('undoing imports'),
  'audit.list': coordinatorOnly('reading the audit log'),
  'audit.export': coordinatorOnly('exporting the audit log'),
  'adjudication.decide': coordinatorOnly('recording adjudication decisions'),
  'segmentation.save': onlyOwn('masks can be saved'),
  'segmentation.draft.save': onlyOwn('drafts can be saved'),
  'segmentation.draft.get': onlyOwn('drafts can be opened'),
  'segmentation.draft.discard': onlyOwn('drafts can be discarded'),
  'segmentation.import': onlyOwn('masks can be imported'),
  'readerStudy.rate': onlyOwn('ratings can be entered'),
  'segmentation.list': async (s, input, next) => {
    if (!blindedMasks(s)) return next();
    if (input.reader !== undefined && input.reader !== s.reader)
      refuse(s, `other readers' masks are blinded (asked for ${input.reader}'s)`);
    return (await next()).filter((x) => x.reader === s.reader);
  },
  'segmentation.mask': async (s, input, next, mode) => {
    const owner = mode.segmentationReader(input.id);
    if (blindedMasks(s) && owner !== null && owner !== s.reader)
      refuse(s, `segmentation #${input.id} is ${owner}'s and other readers' masks are blinded`);
    return next();
  },
  'segmentation.delete': async (s, input, next, mode) => {
    const owner = mode.segmentationReader(input.id);
    if (owner !== null && owner !== s.reader) refuse(s, `segmentation #${input.id} is ${owner}'s, not yours`);
    return next();
  },
  'readerStudy.ratings': async (s, input, next) => {
    if (!blindedMasks(s)) return next();
    if (input.reader !== undefined && input.reader !== s.reader)
      refuse(s, `other readers' reads are blinded (asked for ${input.reader}'s ratings)`);
    return (await next()).filter((r) => r.reader === s.reader);
  },
  'agreement.features': whenMasksBlinded('inter-reader agreement'),
  'agreement.masks': whenMasksBlinded('inter-reader agreement'),
  'agreement.export': whenMasksBlinded('inter-reader agreement'),
  'agreement.categorical': whenMasksBlinded("the other reader's categorical reads"),
  'agreement.categorical.export': whenMasksBlinded("the other reader's categorical reads"),
  'adjudication.queue': whenMasksBlinded('the adjudication queue'),
  'extraction.table': whenMasksBlinded('the feature table (it holds every reader’s features)'),
  'extraction.export': whenMasksBlinded('the feature table (it holds every reader’s features)'),
  'readerStudy.report': whenOutcomeBlinded('the reader-study report'),
  'cohort.export': whenClinicalBlinded('the cohort export'),
  'analysis.inspect': whenOutcomeBlinded('analysis'),
  'analysis.validate': whenOutcomeBlinded('analysis'),
  'analysis.run': whenOutcomeBlinded('analysis'),
  'analysis.list': whenOutcomeBlinded('analysis'),
  'analysis.get': whenOutcomeBlinded('analysis'),
  'report.figures': whenOutcomeBlinded('reports'),
  'report.export': whenOutcomeBlinded('reports'),
  'cohort.table': async (s, _input, next) => {
    const t = await next();
    const keep = t.columns.map((c) => c.kind !== 'variable' || !hidesVariable(s, c.role, c.group));
    if (keep.every(Boolean)) return t;
    return { columns: t.columns.filter((_, i) => keep[i]), rows: t.rows.map((r) => r.filter((_, i) => keep[i])) };
  },
  'segmentation.copyTargets': async (s, input, next, mode) => {
    const owner = mode.segmentationReader(input.id);
    if (blindedMasks(s) && owner !== null && owner !== s.reader)
      refuse(s, `segmentation #${input.id} is ${owner}'s and other readers' masks are blinded`);
    return next();
  },
  'segmentation.copyToSeries': async (s, input, next, mode) => {
    const owner = mode.segmentationReader(input.id);
    if (owner !== null && owner !== s.reader) refuse(s, `segmentation #${input.id} is ${owner}'s, not yours`);
    if (input.reader !== undefined && input.reader !== s.reader)
      refuse(s, `copies can be saved only under your own reader code ${s.reader} (got ${input.reader})`);
    return next();
  },
  'report.study': whenOutcomeBlinded('reports'),
  'splits.list': whenOutcomeBlinded('stored splits (their balance tables show the outcome)'),
  'splits.get': whenOutcomeBlinded('stored splits (their balance tables show the outcome)'),
  'splits.create': coordinatorOnly('creating splits'),
  'splits.delete': coordinatorOnly('deleting splits'),
  'analysis.delete': coordinatorOnly('deleting analyses'),
  'images.import': coordinatorOnly('importing images'),
  'images.relink': coordinatorOnly('relinking image folders'),
  'images.rules.set': coordinatorOnly('changing the sequence rules'),
  'images.series.link': coordinatorOnly('linking series to patients'),
  'images.series.setKind': coordinatorOnly('changing sequence kinds'),
  'images.deidentify': coordinatorOnly('exporting images'),
  'images.cache.clear': coordinatorOnly('clearing the volume cache'),
  'images.adc': coordinatorOnly('computing derived images'),
  'images.subtraction': coordinatorOnly('computing derived images'),
  'images.tic': coordinatorOnly('computing TIC types into the cohort'),
  'cohort.exclude': coordinatorOnly('excluding patients'),
  'cohort.unexclude': coordinatorOnly('excluding patients'),
  'cohort.mapping.save': coordinatorOnly('saving import mappings'),
  'extraction.create': coordinatorOnly('defining extractions'),
  'extraction.delete': coordinatorOnly('deleting extractions'),
  'extraction.run': coordinatorOnly('running extractions'),
  'cohort.setValue': async (s, input, next, mode) => {
    if (mode.hiddenVariables(s).has(input.variable)) refuse(s, `"${input.variable}" is blinded and cannot be edited`);
    return next();
  },
};

/**
 * Methods that stay open in reader mode as they are: they show nothing a reader is blinded to
 * (study handling, series and lesion lists, the reader's own assignments and progress, jobs,
 * cohort rules and the flow counts) or are what a reader does (writing a result package). Every
 * API method is either guarded above or listed here; a test checks it, so a new method must be
 * classified before it ships.
 */
export const OPEN_IN_READER_MODE: readonly Method[] = [
  'system.health',
  'study.create',
  'study.open',
  'study.close',
  'study.current',
  'study.recent',
  'study.summary',
  'jobs.list',
  'jobs.get',
  'jobs.start',
  'jobs.cancel',
  'jobs.resume',
  'readers.list',
  'readers.assignments',
  'readers.assignment.setStatus',
  'readers.progress',
  'readers.blinding.get',
  'readers.mode.enter',
  'readers.mode.exit',
  'readers.mode.get',
  'exchange.inspectAssignment',
  'exchange.writeResult',
  'cohort.dictionary',
  'cohort.rules',
  'cohort.exclusions',
  'cohort.flow',
  'cohort.flow.export',
  'cohort.mappings',
  'cohort.import.inspect',
  'images.series.list',
  'images.rules.get',
  'images.verify',
  'images.cache.stats',
  'extraction.list',
  'extraction.presets',
  'extraction.preview.options',
  'extraction.sequences',
  'segmentation.lesions',
];

/** Whether reader mode guards the method (else it is open, see OPEN_IN_READER_MODE). */
export const guardedInReaderMode = (m: Method): boolean => m in GUARDS;

/** The handlers with the reader-mode checks in front of the methods that need them. */
export function withReaderMode(handlers: Handlers, mode: ReaderModeService): Handlers {
  const out = { ...handlers } as unknown as Record<string, (input: unknown, ctx: CallContext) => unknown>;
  const open = new Set<string>(OPEN_IN_READER_MODE);
  const guards = GUARDS as Record<string, Guard<Method> | undefined>;
  for (const method of Object.keys(handlers) as Method[]) {
    if (open.has(method)) continue;
    // A method neither guarded nor declared open is refused in a session (deny by default).
    const guard: Guard<Method> = guards[method] ?? ((s) => refuse(s, `${method} is not available in reader mode`));
    const inner = handlers[method] as (input: unknown, ctx: CallContext) => unknown;
    out[method] = async (input: unknown, ctx: CallContext) => {
      const s = mode.active();
      const next = async () => (await inner(input, ctx)) as Output<Method>;
      return s ? guard(s, input as ParsedInput<Method>, next, mode) : next();
    };
  }
  return out as unknown as Handlers;
}
