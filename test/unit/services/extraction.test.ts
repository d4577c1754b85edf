/**
 * Study-wide feature extraction (services/extraction, job extraction.run) on a small demo study.
 *
 * Reference for the stored values: the same engine called directly on the series read from its
 * DICOM files and the segmentation's mask (the engine itself is checked against PyRadiomics and
 * IBSI in test/unit/radiomics); the study must store exactly those numbers (tolerance 0), under
 * sequence-prefixed names, and give them back in the table and in CSV/XLSX exports.
 */
import Database from 'better-sqlite3';
import ExcelJS from 'exceljs';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type {
  ExtractionSequence,
  ExtractionSummary,
  FeatureTable,
  Segmentation,
  SegmentationMask,
  Series,
} from '../../../main/api/contract.js';
import { loadSeriesVolume } from '../../../main/compute/jobs/series-volume.js';
import { extractCase } from '../../../main/compute/radiomics/batch.js';
import { parseCsvRows } from '../../../main/compute/radiomics/batchCsv.js';
import { parseParameterFile } from '../../../main/compute/radiomics/settings.js';
import { createDemoStudy } from '../../../main/services/demo.js';
import { createServices, type Services } from '../../../main/services/index.js';
import { routerCalls } from '../../helpers/routerCalls.js';
import { tmpDir } from '../../helpers/tmp.js';

let t: ReturnType<typeof tmpDir>;
let services: Services;

const { call, fails, finished } = routerCalls(() => services, 120_000);
const summary = async (id: number) => (await call<ExtractionSummary[]>('extraction.list')).find((e) => e.id === id)!;

const PARAMS = `setting:
  binWidth: 10
  label: 1
featureClass:
  shape: [VoxelVolume, Sphericity]
  firstorder: [Mean, Entropy]
  glcm: [Contrast, Idm]
`;

beforeAll(async () => {
  t = tmpDir();
  services = createServices({ mode: 'test', configDir: t.dir });
  await createDemoStudy(services, { out: path.join(t.dir, 'demo.radstudy'), patients: 3, seed: 17 });
}, 120_000);
afterAll(async () => {
  await services.shutdown();
  t.cleanup();
});

describe('study-wide extraction', () => {
  let id = 0;
  let total = 0;

  it('lists the sequences that have segmentations, labelled as feature prefixes', async () => {
    const seqs = await call<ExtractionSequence[]>('extraction.sequences');
    const labels = seqs.map((s) => s.label);
    expect(labels).toEqual(expect.arrayContaining(['T2FS', 'ADC', 'DCE1', 'DCE3', 'DCE7']));
    expect(labels.indexOf('T2FS')).toBeLessThan(labels.indexOf('ADC'));
    expect(labels.indexOf('DCE1')).toBeLessThan(labels.indexOf('DCE7'));
    expect(seqs.find((s) => s.label === 'DCE3')!.segmentations).toEqual(
      expect.objectContaining({ REF: expect.any(Number), R1: expect.any(Number), R2: expect.any(Number) }),
    );
  });

  it('refuses bad parameters and empty selections before any work', async () => {
    expect(await fails('extraction.create', { name: 'x', paramsText: 'setting: {binWdth: 3}\n' })).toMatch(
      /VALIDATION .*unknown setting "binWdth"/,
    );
    expect(
      await fails('extraction.create', { name: 'x', paramsText: PARAMS, selection: { readers: ['R9'], sequences: [] } }),
    ).toMatch(/No segmentation matches readers R9; available sequences: T2FS/);
  });

  it('extracts every selected segmentation and stores exactly what the engine computes', async () => {
    const r = await call<{ id: number; jobId: number; total: number }>('extraction.create', {
      name: 'DCE3 and T2',
      paramsText: PARAMS,
      selection: { readers: ['REF', 'R1'], sequences: ['DCE3', 'T2FS'] },
    });
    ({ id, total } = r);
    const job = await finished(r.jobId);
    expect(job.status, JSON.stringify(job.error)).toBe('succeeded');
    expect(job.result).toEqual(expect.objectContaining({ total, alreadyDone: 0, computed: total, failed: 0, featureCount: 6 }));
    const s = await summary(id);
    expect(s).toEqual(expect.objectContaining({ status: 'complete', done: total, failed: 0, stale: 0, featureCount: 6 }));

    const table = await call<FeatureTable>('extraction.table', { id, reader: 'REF' });
    expect(table.columns.slice(0, 6)).toEqual([
      'T2FS_original_shape_Sphericity',
      'T2FS_original_shape_VoxelVolume',
      'T2FS_original_firstorder_Entropy',
      'T2FS_original_firstorder_Mean',
      'T2FS_original_glcm_Contrast',
      'T2FS_original_glcm_Idm',
    ]);
    expect(table.columns).toContain('DCE3_original_glcm_Contrast');
    expect(table.failures).toEqual([]);
    expect(table.diagnostics.every((d) => d.grayLevels !== null && d.grayLevels > 0)).toBe(true);

    // Reference: the engine on the series' files and the stored mask, for one REF segmentation on DCE3.
    const row = table.rows[0]!;
    const series = await call<Series[]>('images.series.list');
    const dce3 = series.filter((x) => x.kind === 'DCE' && x.phase === 2).map((x) => x.id);
    const seg = (await call<Segmentation[]>('segmentation.list', { reader: 'REF' })).find(
      (g) => dce3.includes(g.seriesId) && g.patientCode === row.patientCode && g.lesionCode === row.lesionCode,
    )!;
    const db = services.study.requireHandle().db;
    const sr = db.prepare('SELECT * FROM series WHERE id = ?').get(seg.seriesId) as {
      source_folder: string;
      component: number;
      components: number;
    };
    const ser = series.find((x) => x.id === seg.seriesId)!;
    const volume = await loadSeriesVolume({
      id: seg.seriesId,
      name: 'reference',
      sourceFolder: sr.source_folder,
      files: db.prepare('SELECT path, sha256 FROM series_file WHERE series_id = ? ORDER BY position').all(seg.seriesId) as {
        path: string;
        sha256: string;
      }[],
      component: sr.component,
      components: sr.components,
      geometry: ser.geometry as never,
    });
    const m = await call<SegmentationMask>('segmentation.mask', { id: seg.id });
    const maskData = new Uint8Array(volume.data.length);
    let o = 0;
    m.runs.forEach((len, k) => {
      if (k % 2 === 1) maskData.fill(1, o, o + len);
      o += len;
    });
    const p = parseParameterFile(PARAMS);
    const ref = extractCase({
      image: { volume },
      mask: { volume: { ...volume, data: maskData } },
      settings: p.settings,
      enabled: p.featureClasses,
      imageTypes: p.imageTypes,
    });
    if (!ref.ok) throw new Error(ref.error);
    const all = await call<FeatureTable>('extraction.table', { id, reader: 'REF', columns: 'DCE3_' });
    const stored = all.rows.find((x) => x.patientCode === row.patientCode && x.lesionCode === row.lesionCode)!;
    expect(all.columns).toEqual(ref.names.map((n) => `DCE3_${n}`));
    expect(stored.values).toEqual(ref.values);
  });

  it('resumes: only missing, failed or changed cases are computed again', async () => {
    const db = services.study.requireHandle().db;
    const rows = db
      .prepare('SELECT segmentation_id FROM feature_row WHERE extraction_id = ? ORDER BY segmentation_id')
      .pluck()
      .all(id) as number[];
    // As if the compute process died after storing all but three cases.
    db.prepare(`DELETE FROM feature_row WHERE extraction_id = ? AND segmentation_id IN (${rows.slice(0, 3).join(',')})`).run(id);
    // And one mask was edited since (it takes the R2 mask of the same lesion and series): its row is stale.
    const edited = rows[5]!;
    const other = db
      .prepare(
        `SELECT b.mask FROM segmentation a JOIN segmentation b ON b.lesion_id = a.lesion_id AND b.series_id = a.series_id
          WHERE a.id = ? AND b.reader = 'R2'`,
      )
      .pluck()
      .get(edited) as Buffer;
    db.prepare('UPDATE segmentation SET mask = ? WHERE id = ?').run(other, edited);
    const s0 = await summary(id);
    expect(s0).toEqual(expect.objectContaining({ status: 'incomplete', done: total - 4, stale: 1 }));
    const { jobId } = await call<{ jobId: number }>('extraction.run', { id });
    const job = await finished(jobId);
    expect(job.result).toEqual(expect.objectContaining({ total, alreadyDone: total - 4, computed: 4, failed: 0 }));
    expect((await summary(id)).status).toBe('complete');
  });

  it('a changed source file fails only the cases on its series, each named', async () => {
    const db = services.study.requireHandle().db;
    const victim = db
      .prepare(
        `SELECT s.id, s.source_folder AS folder, f.path FROM feature_row r JOIN segmentation g ON g.id = r.segmentation_id
           JOIN series s ON s.id = g.series_id JOIN series_file f ON f.series_id = s.id WHERE r.extraction_id = ? LIMIT 1`,
      )
      .get(id) as { id: number; folder: string; path: string };
    const file = path.resolve(victim.folder, victim.path);
    const original = readFileSync(file);
    const onSeries = db
      .prepare(
        'SELECT count(*) FROM feature_row r JOIN segmentation g ON g.id = r.segmentation_id WHERE r.extraction_id = ? AND g.series_id = ?',
      )
      .pluck()
      .get(id, victim.id) as number;
    db.prepare(
      'DELETE FROM feature_row WHERE extraction_id = ? AND segmentation_id IN (SELECT id FROM segmentation WHERE series_id = ?)',
    ).run(id, victim.id);
    const tampered = Buffer.from(original);
    tampered[tampered.length - 1] ^= 0xff;
    writeFileSync(file, tampered);
    try {
      const { jobId } = await call<{ jobId: number }>('extraction.run', { id });
      const job = await finished(jobId);
      expect(job.status).toBe('succeeded');
      expect(job.result).toEqual(expect.objectContaining({ computed: onSeries, failed: onSeries }));
      const table = await call<FeatureTable>('extraction.table', { id });
      expect(table.failures.length).toBe(onSeries);
      expect(table.failures[0]!.error).toMatch(
        new RegExp(
          `^\\S+/\\S+, reader (REF|R1), \\w+ \\(series #${victim.id}\\): series #${victim.id} .*${path.basename(file)} changed since import`,
        ),
      );
      expect((await summary(id)).status).toBe('incomplete');
    } finally {
      writeFileSync(file, original);
    }
    const { jobId } = await call<{ jobId: number }>('extraction.run', { id });
    expect((await finished(jobId)).result).toEqual(expect.objectContaining({ computed: onSeries, failed: 0 }));
  });

  it('exports the table joined with the cohort as CSV and XLSX', async () => {
    const table = await call<FeatureTable>('extraction.table', { id, columnLimit: 5000 });
    const csv = path.join(t.dir, 'features.csv');
    const r = await call<{ rows: number; columns: number }>('extraction.export', { id, path: csv });
    const [header, ...rows] = parseCsvRows(readFileSync(csv, 'utf8')).map((r) => r.cells);
    expect(r.rows).toBe(table.rows.length);
    expect(header!.slice(0, 3)).toEqual(['patient', 'lesion', 'reader']);
    expect(header).toEqual(expect.arrayContaining(['center', ...table.columns]));
    const col = header!.indexOf('DCE3_original_glcm_Contrast');
    const tcol = table.columns.indexOf('DCE3_original_glcm_Contrast');
    for (const tr of table.rows) {
      const line = rows.find((x) => x[0] === tr.patientCode && x[1] === tr.lesionCode && x[2] === tr.reader)!;
      expect(Number(line[col])).toBe(tr.values[tcol]);
    }
    const xlsx = path.join(t.dir, 'features.xlsx');
    await call('extraction.export', { id, path: xlsx, reader: 'R1', includeCohort: false });
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(xlsx);
    const ws = wb.getWorksheet('Features')!;
    const head = (ws.getRow(1).values as unknown[]).slice(1) as string[];
    expect(head.slice(0, 3)).toEqual(['patient', 'lesion', 'reader']);
    const c = head.indexOf('T2FS_original_firstorder_Mean');
    const first = (ws.getRow(2).values as unknown[]).slice(1);
    const tr = table.rows.find((x) => x.patientCode === first[0] && x.lesionCode === first[1] && x.reader === 'R1')!;
    expect(first[c]).toBe(tr.values[table.columns.indexOf('T2FS_original_firstorder_Mean')]);
    expect(wb.getWorksheet('Parameters')!.getRow(1).values).toEqual([undefined, 'extraction', 'DCE3 and T2']);
  });

  it('deletes an extraction with its rows', async () => {
    await call('extraction.delete', { id });
    expect(await call<ExtractionSummary[]>('extraction.list')).toEqual([]);
    const db = new Database(services.study.requireHandle().path, { readonly: true });
    expect(db.prepare('SELECT count(*) FROM feature_row').pluck().get()).toBe(0);
    db.close();
  });
});
