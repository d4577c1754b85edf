import { statSync } from 'node:fs';
import { resolve as resolvePath } from 'node:path';
import { AppError } from '../api/errors.js';
import type { StudyInfo, StudySummary } from '../api/study.js';
import { createStudy, openStudy, type StudyHandle } from '../../db/study-file.js';
import { readMeta } from '../../db/repositories/meta.js';
import { appendAudit } from '../../db/repositories/audit.js';
import type { EventBus } from './events.js';
import type { RecentStudies } from './recent.js';

/** Tables shown in the study summary, with the words a user knows them by. */
const SUMMARY_TABLES: [string, string][] = [
  ['center', 'Centers'],
  ['patient', 'Patients'],
  ['lesion', 'Lesions'],
  ['series', 'Image series'],
  ['segmentation', 'Segmentations'],
  ['reader', 'Readers'],
  ['assignment', 'Assignments'],
  ['extraction', 'Extractions'],
  ['feature_row', 'Feature rows'],
  ['split', 'Splits'],
  ['analysis', 'Analyses'],
  ['job', 'Jobs'],
  ['audit_log', 'Audit entries'],
];

/** The one open study of this app instance and what happens around opening and closing it. */
export class StudyService {
  private current: StudyHandle | null = null;
  private interruptedAtOpen = 0;
  /** Set by the composition root: runs when a study has been opened (e.g. mark interrupted jobs). */
  onOpened: () => number = () => 0;
  onClosing: () => Promise<void> = async () => {};

  constructor(
    private readonly events: EventBus,
    private readonly recent: RecentStudies,
  ) {}

  handle(): StudyHandle | null {
    return this.current;
  }

  requireHandle(): StudyHandle {
    if (!this.current) throw new AppError('NO_STUDY_OPEN', 'No study is open. Create a new study or open one first.');
    return this.current;
  }

  info(): StudyInfo | null {
    const h = this.current;
    if (!h) return null;
    const meta = readMeta(h.db);
    return {
      path: h.path,
      name: meta.name ?? 'Untitled study',
      schemaVersion: h.schemaVersion,
      readOnly: h.readOnly,
      readOnlyReason: h.readOnlyReason,
      createdAt: meta.created_at ?? '',
      migratedFrom: h.migratedFrom,
      backupPath: h.backupPath,
      interruptedJobs: this.interruptedAtOpen,
    };
  }

  private async adopt(handle: StudyHandle): Promise<StudyInfo> {
    await this.close();
    this.current = handle;
    if (handle.migratedFrom !== null && !handle.readOnly) {
      appendAudit(handle.db, {
        actor: 'system',
        action: 'study.migrate',
        entity: 'study',
        before: { schemaVersion: handle.migratedFrom },
        after: { schemaVersion: handle.schemaVersion, backup: handle.backupPath },
      });
    }
    this.onOpened();
    this.interruptedAtOpen = handle.db
      .prepare("SELECT count(*) AS n FROM job WHERE status = 'interrupted'")
      .pluck()
      .get() as number;
    const info = this.info()!;
    this.recent.remember({ path: info.path, name: info.name });
    this.events.emit({ type: 'study', study: info });
    return info;
  }

  async create(path: string, name: string): Promise<StudyInfo> {
    return this.adopt(createStudy(path, name));
  }

  async open(path: string, readOnly = false): Promise<StudyInfo> {
    if (this.current && this.current.path === resolvePath(path) && !readOnly) {
      return this.info()!;
    }
    return this.adopt(openStudy(path, { readOnly }));
  }

  async close(): Promise<boolean> {
    if (!this.current) return false;
    await this.onClosing();
    this.current.close();
    this.current = null;
    this.interruptedAtOpen = 0;
    this.events.emit({ type: 'study', study: null });
    return true;
  }

  summary(): StudySummary {
    const h = this.requireHandle();
    const existing = new Set(
      (h.db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all() as string[]).map(String),
    );
    const tables = SUMMARY_TABLES.filter(([t]) => existing.has(t)).map(([name, label]) => ({
      name,
      label,
      rows: h.db.prepare(`SELECT count(*) FROM "${name}"`).pluck().get() as number,
    }));
    const lastBackup = readMeta(h.db).last_backup ?? null;
    return {
      tables,
      fileBytes: statSync(h.path).size,
      lastBackup: lastBackup ? ((JSON.parse(lastBackup) as { at: string }).at ?? null) : null,
    };
  }
}
