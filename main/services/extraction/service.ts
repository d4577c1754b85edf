import ExcelJS from 'exceljs';
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { AppError } from '../../api/errors.js';
import {
  ExtractionSelectionSchema,
  type ExtractionCreate,
  type ExtractionSequence,
  type ExtractionSummary,
  type ParameterPreset,
  type FeatureTable,
} from '../../api/extraction.js';
import { appendAudit } from '../../../db/repositories/audit.js';
import { appVersion, packageRoot } from '../../../db/paths.js';
import { seriesHash } from '../../compute/jobs/series-volume.js';
import { formatCsv } from '../../compute/radiomics/batchCsv.js';
import { RadiomicsInputError } from '../../compute/radiomics/errors.js';
import { parseParameterFile } from '../../compute/radiomics/settings.js';
import { cohortTable } from '../cohort/table.js';
import { ADJUDICATED, adjudicatedChoice } from '../readers/adjudication.js';
import type { JobService } from '../jobs.js';
import type { StudyService } from '../study.js';
import { segmentationCases, selectCases, sequenceOrder, type SegmentationCase } from './repository.js';

interface ExtractionRow {
  id: number;
  name: string;
  params_text: string;
  params_sha256: string;
  selection: string;
  engine: string;
  feature_names: string | null;
  job_id: number | null;
  created_at: string;
}

interface StoredRow {
  segmentation_id: number;
  image_sha256: string;
  mask_sha256: string;
  feature_values: Buffer | null;
  diagnostics: string;
  error: string | null;
}

/** One row of the wide table: a lesion as one reader segmented it, every sequence side by side. */
interface WideRow {
  patientCode: string;
  lesionCode: string;
  reader: string;
  /** Sequence label → the stored values of that sequence's segmentation. */
  bySequence: Map<string, Float64Array>;
}

interface Wide {
  columns: string[];
  rows: WideRow[];
  names: string[];
  sequences: string[];
  failures: FeatureTable['failures'];
  diagnostics: FeatureTable['diagnostics'];
}

const isActive = "status IN ('queued','running')";

/** Feature extractions of the open study: create and run (as jobs), list, table, export, delete. */
export class ExtractionService {
  constructor(
    private readonly study: StudyService,
    private readonly jobs: JobService,
  ) {}

  private db(write = false) {
    const h = this.study.requireHandle();
    if (write && h.readOnly)
      throw new AppError(
        'STUDY_READ_ONLY',
        `The study is open read-only (${h.readOnlyReason ?? 'read-only'}); extractions cannot be run or changed.`,
      );
    return h.db;
  }

  private row(id: number): ExtractionRow {
    const r = this.db().prepare('SELECT * FROM extraction WHERE id = ?').get(id) as ExtractionRow | undefined;
    if (!r) throw new AppError('NOT_FOUND', `There is no extraction #${id} in this study.`);
    return r;
  }

  /** assets/params/*.yaml: the title is the first comment line. */
  presets(): ParameterPreset[] {
    const dir = path.join(packageRoot(), 'assets', 'params');
    return readdirSync(dir)
      .filter((f) => f.endsWith('.yaml'))
      .sort((a, b) => (a === 'pyradiomics-default.yaml' ? -1 : b === 'pyradiomics-default.yaml' ? 1 : a < b ? -1 : 1))
      .map((file) => {
        const text = readFileSync(path.join(dir, file), 'utf8');
        const title = /^#\s*(.+)$/m.exec(text)?.[1]?.replace(/[.:]$/, '') ?? file;
        return { file, title, text };
      });
  }

  sequences(): ExtractionSequence[] {
    const by = new Map<string, { kind: string; series: Set<number>; readers: Record<string, number> }>();
    const kinds = new Map(
      (this.db().prepare('SELECT id, kind FROM series').all() as { id: number; kind: string }[]).map((r) => [r.id, r.kind]),
    );
    for (const c of segmentationCases(this.db())) {
      const e = by.get(c.sequence) ?? { kind: kinds.get(c.seriesId) ?? 'OTHER', series: new Set(), readers: {} };
      e.series.add(c.seriesId);
      e.readers[c.reader] = (e.readers[c.reader] ?? 0) + 1;
      by.set(c.sequence, e);
    }
    return [...by.entries()]
      .sort(([a], [b]) => sequenceOrder(a, b))
      .map(([label, e]) => ({ label, kind: e.kind, series: e.series.size, segmentations: e.readers }));
  }

  create(input: ExtractionCreate): { id: number; jobId: number; total: number } {
    const db = this.db(true);
    try {
      parseParameterFile(input.paramsText, `the parameters of "${input.name}"`);
    } catch (e) {
      if (e instanceof RadiomicsInputError) throw new AppError('VALIDATION', e.message);
      throw e;
    }
    if (db.prepare('SELECT 1 FROM extraction WHERE name = ?').get(input.name))
      throw new AppError('VALIDATION', `An extraction named "${input.name}" exists already; choose another name.`);
    const selection = ExtractionSelectionSchema.parse(input.selection);
    const total = selectCases(segmentationCases(db), selection).length;
    if (total === 0) {
      const what = [
        selection.readers.length ? `readers ${selection.readers.join(', ')}` : '',
        selection.sequences.length ? `sequences ${selection.sequences.join(', ')}` : '',
      ]
        .filter(Boolean)
        .join(' and ');
      throw new AppError(
        'VALIDATION',
        `No segmentation matches ${what || 'the selection'}; available sequences: ${
          this.sequences()
            .map((s) => s.label)
            .join(', ') || 'none (import segmentations first)'
        }.`,
      );
    }
    const sha = createHash('sha256').update(input.paramsText).digest('hex');
    const id = Number(
      db
        .prepare(
          'INSERT INTO extraction(name, params_text, params_sha256, selection, engine, created_at) VALUES (?, ?, ?, ?, ?, ?)',
        )
        .run(input.name, input.paramsText, sha, JSON.stringify(selection), `radstudy ${appVersion()}`, new Date().toISOString())
        .lastInsertRowid,
    );
    appendAudit(db, {
      actor: 'user',
      action: 'extraction.create',
      entity: 'extraction',
      entityId: id,
      after: { ...input, selection },
    });
    const { jobId } = this.run(id);
    return { id, jobId, total };
  }

  /** Starts the job for an extraction (first run, resume, or update after segmentations changed). */
  run(id: number): { jobId: number } {
    const db = this.db(true);
    this.row(id);
    const active = db
      .prepare(`SELECT id FROM job WHERE kind = 'extraction.run' AND ${isActive} AND json_extract(params, '$.extractionId') = ?`)
      .pluck()
      .get(id) as number | undefined;
    if (active !== undefined) throw new AppError('JOB_STATE', `Extraction #${id} is already being computed by job #${active}.`);
    const job = this.jobs.start('extraction.run', { extractionId: id });
    db.prepare('UPDATE extraction SET job_id = ? WHERE id = ?').run(job.id, id);
    return { jobId: job.id };
  }

  list(): ExtractionSummary[] {
    const db = this.db();
    const rows = db.prepare('SELECT * FROM extraction ORDER BY id').all() as ExtractionRow[];
    if (rows.length === 0) return [];
    const cases = segmentationCases(db);
    const maskSha = new Map(
      (db.prepare('SELECT id, mask FROM segmentation').all() as { id: number; mask: Buffer }[]).map((r) => [
        r.id,
        createHash('sha256').update(r.mask).digest('hex'),
      ]),
    );
    const seriesSha = new Map<number, string>();
    const filesOf = db.prepare('SELECT path, sha256 FROM series_file WHERE series_id = ? ORDER BY position');
    const componentOf = db.prepare('SELECT component FROM series WHERE id = ?').pluck();
    const imageSha = (seriesId: number): string => {
      let h = seriesSha.get(seriesId);
      if (!h) {
        h = seriesHash({
          files: filesOf.all(seriesId) as { path: string; sha256: string }[],
          component: componentOf.get(seriesId) as number,
        });
        seriesSha.set(seriesId, h);
      }
      return h;
    };
    return rows.map((r) => {
      const selection = ExtractionSelectionSchema.parse(JSON.parse(r.selection));
      const selected = selectCases(cases, selection);
      const stored = new Map(
        (
          db
            .prepare('SELECT segmentation_id, image_sha256, mask_sha256, error FROM feature_row WHERE extraction_id = ?')
            .all(r.id) as Omit<StoredRow, 'feature_values' | 'diagnostics'>[]
        ).map((s) => [s.segmentation_id, s]),
      );
      let done = 0;
      let failed = 0;
      let stale = 0;
      for (const c of selected) {
        const s = stored.get(c.id);
        if (!s) continue;
        if (s.error !== null) failed++;
        else if (s.mask_sha256 !== maskSha.get(c.id) || s.image_sha256 !== imageSha(c.seriesId)) stale++;
        else done++;
      }
      const running =
        r.job_id !== null && db.prepare(`SELECT 1 FROM job WHERE id = ? AND ${isActive}`).get(r.job_id) !== undefined;
      let imageTypes: string[] = [];
      try {
        imageTypes = Object.keys(parseParameterFile(r.params_text).imageTypes);
      } catch {
        imageTypes = [];
      }
      return {
        id: r.id,
        name: r.name,
        selection,
        paramsText: r.params_text,
        paramsSha256: r.params_sha256,
        engine: r.engine,
        imageTypes,
        featureCount: r.feature_names ? (JSON.parse(r.feature_names) as string[]).length : 0,
        total: selected.length,
        done,
        failed,
        stale,
        status: running ? 'running' : done === selected.length ? 'complete' : 'incomplete',
        jobId: r.job_id,
        createdAt: r.created_at,
      };
    });
  }

  /** The stored rows of an extraction as lesion × reader rows with sequence-prefixed columns. */
  private wide(id: number, reader?: string): Wide {
    const db = this.db();
    const ex = this.row(id);
    const names = ex.feature_names ? (JSON.parse(ex.feature_names) as string[]) : [];
    const cases = new Map<number, SegmentationCase>(segmentationCases(db).map((c) => [c.id, c]));
    const stored = db
      .prepare(
        'SELECT segmentation_id, feature_values, diagnostics, error FROM feature_row WHERE extraction_id = ? ORDER BY segmentation_id',
      )
      .all(id) as StoredRow[];
    const rows = new Map<string, WideRow>();
    const sequences = new Set<string>();
    const failures: FeatureTable['failures'] = [];
    const diagnostics: FeatureTable['diagnostics'] = [];
    // reader 'adjudicated': per lesion × sequence the segmentation adjudication chose.
    const adj = reader === ADJUDICATED ? adjudicatedChoice(db) : null;
    for (const s of stored) {
      const c = cases.get(s.segmentation_id);
      if (!c) continue;
      if (
        adj
          ? (adj.chosen.get(`${c.lesionId}\0${c.sequence}`) ?? adj.primary) !== c.reader
          : reader !== undefined && c.reader !== reader
      )
        continue;
      const who = { patientCode: c.patientCode, lesionCode: c.lesionCode, reader: adj ? ADJUDICATED : c.reader };
      if (s.error !== null || !s.feature_values) {
        failures.push({ segmentationId: c.id, ...who, sequence: c.sequence, error: s.error ?? 'no values' });
        continue;
      }
      const d = JSON.parse(s.diagnostics) as Record<string, string>;
      const int = (v: string | undefined) => (v === undefined || v === '' ? null : Number.parseInt(v, 10));
      diagnostics.push({
        ...who,
        sequence: c.sequence,
        voxels: int(d.diagnostics_RadStudy_VoxelNum),
        grayLevels: int(d.diagnostics_RadStudy_GrayLevelCount),
        warnings: d.diagnostics_RadStudy_Warnings ?? '',
      });
      const key = `${c.patientCode}\0${c.lesionCode}\0${who.reader}`;
      const row = rows.get(key) ?? { ...who, bySequence: new Map() };
      // Two segmentations of one lesion by one reader on series of the same sequence: the first is kept.
      if (!row.bySequence.has(c.sequence)) {
        const b = s.feature_values;
        row.bySequence.set(c.sequence, new Float64Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength)));
      }
      rows.set(key, row);
      sequences.add(c.sequence);
    }
    const seqs = [...sequences].sort(sequenceOrder);
    const columns = seqs.flatMap((q) => names.map((n) => `${q}_${n}`));
    return { columns, rows: [...rows.values()], names, sequences: seqs, failures, diagnostics };
  }

  private static valueAt(w: Wide, row: WideRow, column: number): number | null {
    const q = w.sequences[Math.floor(column / w.names.length)]!;
    const v = row.bySequence.get(q)?.[column % w.names.length];
    return v === undefined || !Number.isFinite(v) ? null : v;
  }

  table(q: { id: number; reader?: string; columns?: string; columnOffset: number; columnLimit: number }): FeatureTable {
    const w = this.wide(q.id, q.reader);
    let indices = w.columns.map((_, i) => i);
    if (q.columns) {
      const m = /^\/(.*)\/$/.exec(q.columns);
      let test: (s: string) => boolean;
      if (m) {
        let re: RegExp;
        try {
          re = new RegExp(m[1]!, 'i');
        } catch (e) {
          throw new AppError(
            'VALIDATION',
            `The column filter ${q.columns} is not a valid regular expression (${(e as Error).message}).`,
          );
        }
        test = (s) => re.test(s);
      } else {
        const needle = q.columns.toLowerCase();
        test = (s) => s.toLowerCase().includes(needle);
      }
      indices = indices.filter((i) => test(w.columns[i]!));
    }
    const window = indices.slice(q.columnOffset, q.columnOffset + q.columnLimit);
    return {
      columns: indices.map((i) => w.columns[i]!),
      columnOffset: q.columnOffset,
      rows: w.rows.map((r) => ({
        patientCode: r.patientCode,
        lesionCode: r.lesionCode,
        reader: r.reader,
        values: window.map((i) => ExtractionService.valueAt(w, r, i)),
      })),
      diagnostics: w.diagnostics,
      failures: w.failures,
    };
  }

  /** The whole table as text cells: patient, lesion, reader, cohort variables (optional), features. */
  cells(id: number, reader: string | undefined, includeCohort: boolean): { cells: string[][]; firstFeature: number } {
    const w = this.wide(id, reader);
    if (w.rows.length === 0)
      throw new AppError(
        'VALIDATION',
        `Extraction #${id} has no stored rows${reader ? ` for reader ${reader}` : ''} to export yet.`,
      );
    let cohortColumns: string[] = [];
    const cohort = new Map<string, string[]>();
    if (includeCohort) {
      const t = cohortTable(this.db());
      const pi = t.columns.findIndex((c) => c.key === 'patient');
      const li = t.columns.findIndex((c) => c.key === 'lesion');
      const keep = t.columns.map((_, i) => i).filter((i) => i !== pi && i !== li);
      cohortColumns = keep.map((i) => t.columns[i]!.key);
      for (const r of t.rows)
        cohort.set(
          `${r[pi]}\0${r[li]}`,
          keep.map((i) => r[i]!),
        );
    }
    const header = ['patient', 'lesion', 'reader', ...cohortColumns, ...w.columns];
    const out = [header];
    for (const r of w.rows) {
      const c = cohort.get(`${r.patientCode}\0${r.lesionCode}`) ?? cohortColumns.map(() => '');
      const values = w.columns.map((_, i) => {
        const v = ExtractionService.valueAt(w, r, i);
        return v === null ? '' : String(v);
      });
      out.push([r.patientCode, r.lesionCode, r.reader, ...c, ...values]);
    }
    return { cells: out, firstFeature: 3 + cohortColumns.length };
  }

  async export(q: { id: number; path: string; reader?: string; includeCohort: boolean }) {
    const out = path.resolve(q.path);
    const ext = path.extname(out).toLowerCase();
    if (ext !== '.csv' && ext !== '.xlsx')
      throw new AppError('VALIDATION', `Export writes .csv or .xlsx files (got ${path.basename(out)}).`);
    const ex = this.row(q.id);
    const { cells, firstFeature } = this.cells(q.id, q.reader, q.includeCohort);
    mkdirSync(path.dirname(out), { recursive: true });
    if (ext === '.csv') {
      writeFileSync(out, formatCsv(cells), 'utf8');
    } else {
      const wb = new ExcelJS.Workbook();
      wb.creator = 'RadStudy';
      const ws = wb.addWorksheet('Features');
      const [header, ...rows] = cells;
      ws.addRow(header);
      for (const r of rows) ws.addRow(r.map((v, i) => (i >= firstFeature && v !== '' ? Number(v) : v)));
      ws.views = [{ state: 'frozen', ySplit: 1, xSplit: 3 }];
      const about = wb.addWorksheet('Parameters');
      about.addRow(['extraction', ex.name]);
      about.addRow(['engine', ex.engine]);
      about.addRow(['parameters SHA-256', ex.params_sha256]);
      about.addRow(['selection', ex.selection]);
      about.addRow(['parameter file']);
      for (const line of ex.params_text.split('\n')) about.addRow([line]);
      await wb.xlsx.writeFile(out);
    }
    const sha256 = createHash('sha256').update(readFileSync(out)).digest('hex');
    return { path: out, rows: cells.length - 1, columns: cells[0]!.length, sha256 };
  }

  delete(id: number): { deleted: number } {
    const db = this.db(true);
    const before = this.row(id);
    const active = db
      .prepare(`SELECT id FROM job WHERE kind = 'extraction.run' AND ${isActive} AND json_extract(params, '$.extractionId') = ?`)
      .pluck()
      .get(id) as number | undefined;
    if (active !== undefined)
      throw new AppError('JOB_STATE', `Extraction #${id} is being computed by job #${active}; cancel it first.`);
    db.transaction(() => {
      db.prepare('DELETE FROM extraction WHERE id = ?').run(id);
      appendAudit(db, {
        actor: 'user',
        action: 'extraction.delete',
        entity: 'extraction',
        entityId: id,
        before: { name: before.name, params: before.params_text, selection: before.selection },
      });
    })();
    return { deleted: 1 };
  }
}
