/**
 * Offline exchange between the coordinator's study and a reader's workstation without network:
 * - the coordinator writes an assignment package (folder): the reader's open assignments, the
 *   image files of each assigned series, optional starting masks (NRRD on the series grid; a
 *   mask with a label table as a Slicer .seg.nrrd, one segment per label with its value, name
 *   and colour, so the labels come back with the result), and manifest.json with the SHA-256 and size of every file;
 * - the reader's workstation checks the package, and packs the masks drawn (NRRD, NIfTI,
 *   .seg.nrrd or RTSTRUCT) as a result package: result.json with checksums, masks/;
 * - the coordinator imports the result package: it must come from this study, every file must
 *   match its checksum, the package must not have been imported before, and no mask may land on
 *   a (lesion, series, reader) that already has a segmentation. Any problem refuses the whole
 *   package with a message naming it; nothing is written until every mask has been read.
 */
import type Database from 'better-sqlite3';
import { createHash, randomUUID } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import {
  AssignmentManifestSchema,
  ResultManifestSchema,
  type AssignmentManifest,
  type ResultManifest,
} from '../../api/exchange.js';
import { AppError } from '../../api/errors.js';
import { sequenceLabel } from '../../api/extraction.js';
import { GeometrySchema } from '../../api/images.js';
import { ImageFormatError } from '../../compute/imaging/imageFormatError.js';
import { lesionMask } from '../../compute/imaging/lesionMask.js';
import { decodeMask, encodeMask, maskStats } from '../../compute/imaging/maskCodec.js';
import { writeNrrd } from '../../compute/imaging/nrrd.js';
import { colourOfHex } from '../../compute/imaging/labelTable.js';
import type { SlicerSegmentation } from '../../compute/imaging/slicerSegmentation.js';
import type { Geometry } from '../../compute/imaging/volume.js';
import { SegmentLabelsSchema, type SegmentLabel } from '../../api/segmentation.js';
import { labelsOf } from '../segmentation/versions.js';
import { appendAudit } from '../../../db/repositories/audit.js';
import { readMeta } from '../../../db/repositories/meta.js';
import type { StudyService } from '../study.js';
import type { ReadersService } from './service.js';

const sha256 = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

function emptyFolder(folder: string, what: string): string {
  const out = path.resolve(folder);
  if (existsSync(out) && (!statSync(out).isDirectory() || readdirSync(out).length > 0))
    throw new AppError('VALIDATION', `The ${what} folder ${out} exists and is not empty; choose a new folder.`);
  return out;
}

function readJson(file: string, what: string): unknown {
  if (!existsSync(file))
    throw new AppError('VALIDATION', `${path.dirname(file)} is not ${what}: ${path.basename(file)} is missing.`);
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as unknown;
  } catch (e) {
    throw new AppError('VALIDATION', `${file} is not valid JSON (${(e as Error).message}).`);
  }
}

/** Every listed file exists with its size and SHA-256; a file not listed is refused too. */
function verifyFiles(
  folder: string,
  files: readonly { path: string; sha256: string; bytes: number }[],
  manifestName: string,
): void {
  const listed = new Set(files.map((f) => f.path));
  for (const f of files) {
    const abs = path.join(folder, f.path);
    if (!existsSync(abs)) throw new AppError('VALIDATION', `The package ${folder} is incomplete: ${f.path} is missing.`);
    const bytes = readFileSync(abs);
    if (bytes.length !== f.bytes || sha256(bytes) !== f.sha256)
      throw new AppError(
        'VALIDATION',
        `The package ${folder} was changed after it was written: ${f.path} does not match its SHA-256 in ${manifestName}. Ask for the package again; nothing was imported.`,
      );
  }
  const walk = (dir: string, rel: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
      e.isDirectory() ? walk(path.join(dir, e.name), `${rel}${e.name}/`) : [`${rel}${e.name}`],
    );
  const extra = walk(folder, '').filter((p) => p !== manifestName && !listed.has(p));
  if (extra.length)
    throw new AppError(
      'VALIDATION',
      `The package ${folder} holds files its ${manifestName} does not list (${extra.slice(0, 3).join(', ')}); it was changed after it was written.`,
    );
}

export function readAssignmentPackage(folder: string): AssignmentManifest {
  const dir = path.resolve(folder);
  const raw = readJson(path.join(dir, 'manifest.json'), 'a RadStudy assignment package');
  const m = AssignmentManifestSchema.safeParse(raw);
  if (!m.success)
    throw new AppError(
      'VALIDATION',
      `${dir}/manifest.json is not a RadStudy assignment package (${m.error.issues[0]?.path.join('.') ?? ''}: ${m.error.issues[0]?.message ?? ''}).`,
    );
  verifyFiles(dir, m.data.files, 'manifest.json');
  return m.data;
}

/** Slicer segment metadata for a stored label table: one layer, one segment per label (value, name, colour). */
function labelSegmentation(labels: readonly SegmentLabel[]): SlicerSegmentation {
  return {
    segments: labels.map((l, n) => {
      const [r, g, b] = colourOfHex(l.colour);
      return {
        index: n,
        id: `Segment_${l.value}`,
        name: l.name,
        labelValue: l.value,
        layer: 0,
        color: [r / 255, g / 255, b / 255],
        extent: undefined,
        tags: {},
        nameAutoGenerated: false,
        colorAutoGenerated: false,
        other: {},
      };
    }),
    masterRepresentation: 'Binary labelmap',
    containedRepresentationNames: ['Binary labelmap'],
    conversionParameters: undefined,
    referenceImageExtentOffset: undefined,
    other: {},
  };
}

export class ExchangeService {
  constructor(
    private readonly study: StudyService,
    private readonly readers: ReadersService,
  ) {}

  private db(write: boolean): Database.Database {
    const h = this.study.requireHandle();
    if (write && h.readOnly)
      throw new AppError(
        'STUDY_READ_ONLY',
        `The study is open read-only (${h.readOnlyReason ?? 'read-only'}); nothing can be imported.`,
      );
    return h.db;
  }

  private seriesOf(db: Database.Database, lesionId: number, sequence: string): number | undefined {
    const rows = db
      .prepare(
        `SELECT s.id, s.kind, s.b_value, s.phase FROM series s JOIN lesion l ON l.patient_id = s.patient_id
          WHERE l.id = ? ORDER BY s.id`,
      )
      .all(lesionId) as { id: number; kind: string; b_value: number | null; phase: number | null }[];
    return rows.find((r) => sequenceLabel(r.kind, r.b_value, r.phase) === sequence)?.id;
  }

  exportAssignment(q: { reader: string; folder: string; startingMasksFrom?: string | undefined }) {
    const db = this.db(false);
    const open = this.readers.assignments(q.reader).filter((a) => a.status !== 'done');
    if (open.length === 0) throw new AppError('VALIDATION', `Reader ${q.reader} has no open assignment to export.`);
    const blinding = this.readers.blinding().items;
    const hidden = blinding.filter((b) => b.hidden).map((b) => b.item);
    if (q.startingMasksFrom && q.startingMasksFrom !== q.reader && hidden.includes('otherReadersMasks'))
      throw new AppError(
        'VALIDATION',
        `Blinding hides other readers' masks from ${q.reader}; starting masks from ${q.startingMasksFrom} cannot go in the package (change the blinding first if that is intended).`,
      );
    const out = emptyFolder(q.folder, 'package');
    const files: AssignmentManifest['files'] = [];
    const items: AssignmentManifest['items'] = [];
    const fileRows = db.prepare('SELECT path, sha256 FROM series_file WHERE series_id = ? ORDER BY position');
    const seriesRow = db.prepare('SELECT source_folder, geometry FROM series WHERE id = ?');
    const maskRow = db.prepare(
      'SELECT mask, labels FROM segmentation_current WHERE lesion_id = ? AND series_id = ? AND reader = ?',
    );
    const copied = new Map<number, string[]>();
    // Check everything first (series found, image files unchanged) so a refused export writes nothing.
    const plan = open.map((a) => {
      const seriesId = this.seriesOf(db, a.lesionId, a.sequence);
      if (seriesId === undefined)
        throw new AppError(
          'VALIDATION',
          `Lesion ${a.patientCode}/${a.lesionCode} has no ${a.sequence} series in this study; import it or remove the assignment.`,
        );
      return { a, seriesId };
    });
    for (const { seriesId } of plan) {
      if (copied.has(seriesId)) continue;
      const s = seriesRow.get(seriesId) as { source_folder: string; geometry: string };
      const list = fileRows.all(seriesId) as { path: string; sha256: string }[];
      for (const f of list) {
        const abs = path.resolve(s.source_folder, f.path);
        if (!existsSync(abs) || sha256(readFileSync(abs)) !== f.sha256)
          throw new AppError(
            'VALIDATION',
            `The image file ${abs} of series #${seriesId} is missing or changed since import; relink or re-import the series before exporting.`,
          );
      }
      copied.set(seriesId, []);
    }
    mkdirSync(out, { recursive: true });
    const add = (rel: string, bytes: Uint8Array) => {
      const abs = path.join(out, rel);
      mkdirSync(path.dirname(abs), { recursive: true });
      writeFileSync(abs, bytes);
      files.push({ path: rel, sha256: sha256(bytes), bytes: bytes.length });
    };
    for (const [seriesId, images] of copied) {
      const s = seriesRow.get(seriesId) as { source_folder: string };
      (fileRows.all(seriesId) as { path: string }[]).forEach((f, i) => {
        const rel = `images/series-${seriesId}/${String(i + 1).padStart(4, '0')}-${path.basename(f.path)}`;
        const abs = path.join(out, rel);
        mkdirSync(path.dirname(abs), { recursive: true });
        copyFileSync(path.resolve(s.source_folder, f.path), abs);
        const bytes = readFileSync(abs);
        files.push({ path: rel, sha256: sha256(bytes), bytes: bytes.length });
        images.push(rel);
      });
    }
    for (const { a, seriesId } of plan) {
      let startingMask: string | null = null;
      const row = q.startingMasksFrom
        ? (maskRow.get(a.lesionId, seriesId, q.startingMasksFrom) as { mask: Buffer; labels: string } | undefined)
        : undefined;
      if (row) {
        const g = GeometrySchema.parse(JSON.parse((seriesRow.get(seriesId) as { geometry: string }).geometry));
        const mask = decodeMask(new Uint8Array(row.mask), g.size[0] * g.size[1] * g.size[2]);
        const labels = labelsOf(row.labels);
        const stem = `masks/start-lesion-${a.lesionId}-series-${seriesId}`;
        startingMask = labels.length > 0 ? `${stem}.seg.nrrd` : `${stem}.nrrd`;
        add(
          startingMask,
          writeNrrd({ ...(g as Geometry), data: mask }, labels.length > 0 ? { segmentation: labelSegmentation(labels) } : {}),
        );
      }
      items.push({
        lesionId: a.lesionId,
        patientCode: a.patientCode,
        lesionCode: a.lesionCode,
        sequence: a.sequence,
        seriesId,
        images: copied.get(seriesId)!,
        startingMask,
      });
    }
    const meta = readMeta(db);
    const manifest: AssignmentManifest = {
      format: 'radstudy-assignment-package',
      version: 1,
      packageId: randomUUID(),
      studyId: meta.id ?? '',
      studyName: meta.name ?? '',
      reader: q.reader,
      createdAt: new Date().toISOString(),
      hidden,
      items,
      files,
    };
    writeFileSync(path.join(out, 'manifest.json'), JSON.stringify(manifest, null, 1) + '\n');
    if (!this.study.requireHandle().readOnly)
      appendAudit(db, {
        actor: 'coordinator',
        action: 'exchange.exportAssignment',
        entity: 'reader',
        entityId: q.reader,
        after: {
          packageId: manifest.packageId,
          folder: out,
          items: items.length,
          startingMasksFrom: q.startingMasksFrom ?? null,
        },
      });
    return { folder: out, packageId: manifest.packageId, items: items.length, files: files.length };
  }

  /** Reader side: needs no study, only the assignment package and the mask files. */
  static writeResult(q: {
    assignmentFolder: string;
    folder: string;
    masks: { lesionId: number; seriesId: number; file: string }[];
  }) {
    const a = readAssignmentPackage(q.assignmentFolder);
    const out = emptyFolder(q.folder, 'result package');
    const seen = new Set<string>();
    const plan = q.masks.map((m) => {
      const item = a.items.find((i) => i.lesionId === m.lesionId && i.seriesId === m.seriesId);
      if (!item)
        throw new AppError(
          'VALIDATION',
          `Lesion #${m.lesionId} on series #${m.seriesId} is not in the assignment package ${a.packageId}; only assigned lesions can be returned.`,
        );
      const key = `${m.lesionId}/${m.seriesId}`;
      if (seen.has(key))
        throw new AppError('VALIDATION', `Two masks are given for lesion #${m.lesionId} on series #${m.seriesId}.`);
      seen.add(key);
      const file = path.resolve(m.file);
      if (!existsSync(file) || !statSync(file).isFile())
        throw new AppError('VALIDATION', `The mask file ${file} does not exist.`);
      return { m, item, file };
    });
    mkdirSync(path.join(out, 'masks'), { recursive: true });
    const files: ResultManifest['files'] = [];
    const segmentations: ResultManifest['segmentations'] = [];
    for (const { m, item, file } of plan) {
      const rel = `masks/lesion-${m.lesionId}-series-${m.seriesId}-${path.basename(file)}`;
      const bytes = readFileSync(file);
      writeFileSync(path.join(out, rel), bytes);
      files.push({ path: rel, sha256: sha256(bytes), bytes: bytes.length });
      segmentations.push({ lesionId: m.lesionId, seriesId: m.seriesId, sequence: item.sequence, file: rel });
    }
    const manifest: ResultManifest = {
      format: 'radstudy-result-package',
      version: 1,
      packageId: randomUUID(),
      assignmentPackageId: a.packageId,
      studyId: a.studyId,
      reader: a.reader,
      createdAt: new Date().toISOString(),
      segmentations,
      files,
    };
    writeFileSync(path.join(out, 'result.json'), JSON.stringify(manifest, null, 1) + '\n');
    return { folder: out, packageId: manifest.packageId, segmentations: segmentations.length };
  }

  /** `source`: what to record as the package's location (the .zip a folder was unpacked from). */
  async importResult(folder: string, source?: string) {
    const db = this.db(true);
    const dir = path.resolve(folder);
    const shown = source ?? dir;
    const text = existsSync(path.join(dir, 'result.json')) ? readFileSync(path.join(dir, 'result.json')) : null;
    const parsed = ResultManifestSchema.safeParse(readJson(path.join(dir, 'result.json'), 'a RadStudy result package'));
    if (!parsed.success)
      throw new AppError(
        'VALIDATION',
        `${dir}/result.json is not a RadStudy result package (${parsed.error.issues[0]?.path.join('.') ?? ''}: ${parsed.error.issues[0]?.message ?? ''}).`,
      );
    const r = parsed.data;
    const meta = readMeta(db);
    if (r.studyId !== meta.id)
      throw new AppError(
        'VALIDATION',
        `The result package ${dir} belongs to another study (id ${r.studyId}); this study "${meta.name ?? ''}" has id ${meta.id ?? '?'}. Nothing was imported.`,
      );
    const before = db.prepare('SELECT imported_at, folder FROM exchange_import WHERE package_id = ?').get(r.packageId) as
      { imported_at: string; folder: string } | undefined;
    if (before)
      throw new AppError(
        'VALIDATION',
        `The result package ${r.packageId} was already imported on ${before.imported_at} (from ${before.folder}); nothing was imported again.`,
      );
    verifyFiles(dir, r.files, 'result.json');
    const seriesRow = db.prepare('SELECT geometry, description FROM series WHERE id = ?');
    const existing = db.prepare('SELECT id FROM segmentation WHERE lesion_id = ? AND series_id = ? AND reader = ?').pluck();
    const lesionRow = db.prepare(
      'SELECT p.code AS patient, l.code AS lesion FROM lesion l JOIN patient p ON p.id = l.patient_id WHERE l.id = ?',
    );
    const conflicts: string[] = [];
    const ready: { s: ResultManifest['segmentations'][number]; file: string; bytes: Buffer; grid: Geometry; name: string }[] = [];
    for (const s of r.segmentations) {
      const l = lesionRow.get(s.lesionId) as { patient: string; lesion: string } | undefined;
      const sr = seriesRow.get(s.seriesId) as { geometry: string; description: string | null } | undefined;
      if (!l || !sr)
        throw new AppError(
          'VALIDATION',
          `The result package names lesion #${s.lesionId} on series #${s.seriesId}, which this study does not have.`,
        );
      const id = existing.get(s.lesionId, s.seriesId, r.reader) as number | undefined;
      if (id !== undefined) conflicts.push(`${l.patient}/${l.lesion} on series #${s.seriesId} (segmentation #${id})`);
      const g = GeometrySchema.parse(JSON.parse(sr.geometry));
      const file = path.join(dir, s.file);
      ready.push({
        s,
        file,
        bytes: readFileSync(file),
        grid: g as Geometry,
        name: `series #${s.seriesId}${sr.description ? ` (${sr.description})` : ''}`,
      });
    }
    if (conflicts.length)
      throw new AppError(
        'VALIDATION',
        `Reader ${r.reader} already has segmentations of ${conflicts.join('; ')}; existing segmentations are never replaced — delete them first to import this package. Nothing was imported.`,
      );
    // Read every mask before writing anything.
    const masks: ((typeof ready)[number] & {
      m: Awaited<ReturnType<typeof lesionMask>>;
      st: ReturnType<typeof maskStats>;
      labels: SegmentLabel[];
    })[] = [];
    for (const x of ready) {
      try {
        const m = await lesionMask({
          bytes: new Uint8Array(x.bytes),
          source: x.file,
          grid: x.grid,
          gridName: x.name,
          select: {},
        });
        const st = maskStats(m.mask, x.grid);
        if (st.voxelCount === 0) throw new AppError('VALIDATION', `The mask ${x.s.file} is empty; nothing was imported.`);
        const labels = SegmentLabelsSchema.safeParse(m.labels);
        if (!labels.success)
          throw new AppError(
            'VALIDATION',
            `The label table of ${x.s.file} cannot be stored (${labels.error.issues[0]?.message ?? ''}); nothing was imported.`,
          );
        masks.push({ ...x, m, st, labels: labels.data });
      } catch (e) {
        if (e instanceof ImageFormatError)
          throw new AppError('VALIDATION', `${e.message} (target: ${x.name}); nothing was imported.`);
        throw e;
      }
    }
    const ids: number[] = [];
    const now = new Date().toISOString();
    db.transaction(() => {
      const put = db.prepare(
        `INSERT INTO segmentation(lesion_id, series_id, reader, label, source_format, source_path, source_sha256, mask, voxel_count, volume_mm3, bbox, warnings, created_at, labels)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      );
      for (const x of masks) {
        ids.push(
          Number(
            put.run(
              x.s.lesionId,
              x.s.seriesId,
              r.reader,
              x.m.label,
              x.m.format,
              source ? `${source}#${x.s.file}` : x.file,
              sha256(x.bytes),
              Buffer.from(encodeMask(x.m.mask)),
              x.st.voxelCount,
              x.st.volumeMm3,
              JSON.stringify(x.st.bbox),
              JSON.stringify(x.m.warnings),
              now,
              JSON.stringify(x.labels),
            ).lastInsertRowid,
          ),
        );
      }
      db.prepare(
        'INSERT INTO exchange_import(package_id, assignment_id, reader, folder, manifest_sha256, segmentations, imported_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
      ).run(r.packageId, r.assignmentPackageId, r.reader, shown, sha256(text!), ids.length, now);
      appendAudit(db, {
        actor: 'coordinator',
        action: 'exchange.importResult',
        entity: 'reader',
        entityId: r.reader,
        after: { packageId: r.packageId, assignmentPackageId: r.assignmentPackageId, folder: shown, segmentationIds: ids },
      });
    })();
    return { packageId: r.packageId, reader: r.reader, imported: ids.length, segmentationIds: ids };
  }
}
