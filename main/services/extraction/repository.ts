import type Database from 'better-sqlite3';
import { FeatureRowRecordSchema, sequenceLabel } from '../../api/extraction.js';

const SEQUENCE_ORDER = ['T1', 'T2', 'T2FS', 'DWI', 'ADC', 'DCE', 'SUB'];

/** Canonical order of sequences in a feature table: T1, T2, T2FS, DWI by b-value, ADC, DCE by phase, SUB, others. */
export function sequenceOrder(a: string, b: string): number {
  const rank = (s: string): [number, number] => {
    const exact = SEQUENCE_ORDER.indexOf(s);
    if (exact >= 0) return [exact, -1];
    const m = /^([A-Z]+)(\d+)$/.exec(s);
    const i = m ? SEQUENCE_ORDER.indexOf(m[1]!) : -1;
    return i >= 0 ? [i, Number(m![2])] : [SEQUENCE_ORDER.length, -1];
  };
  const [ra, na] = rank(a);
  const [rb, nb] = rank(b);
  return ra - rb || na - nb || (a < b ? -1 : a > b ? 1 : 0);
}

export interface SegmentationCase {
  id: number;
  reader: string;
  sequence: string;
  seriesId: number;
  lesionId: number;
  patientCode: string;
  lesionCode: string;
}

/** Every segmentation of the study with its sequence label (the feature-name prefix). */
export function segmentationCases(db: Database.Database): SegmentationCase[] {
  const rows = db
    .prepare(
      `SELECT g.id, g.reader, g.series_id AS seriesId, g.lesion_id AS lesionId, p.code AS patientCode, l.code AS lesionCode,
              s.kind, s.b_value, s.phase
         FROM segmentation_current g JOIN series s ON s.id = g.series_id JOIN lesion l ON l.id = g.lesion_id
         JOIN patient p ON p.id = l.patient_id ORDER BY p.code, l.code, g.reader, g.id`,
    )
    .all() as (Omit<SegmentationCase, 'sequence'> & { kind: string; b_value: number | null; phase: number | null })[];
  return rows.map(({ kind, b_value, phase, ...r }) => ({ ...r, sequence: sequenceLabel(kind, b_value, phase) }));
}

export function selectCases(
  cases: readonly SegmentationCase[],
  selection: { readers: readonly string[]; sequences: readonly string[] },
): SegmentationCase[] {
  return cases.filter(
    (c) =>
      (selection.readers.length === 0 || selection.readers.includes(c.reader)) &&
      (selection.sequences.length === 0 || selection.sequences.includes(c.sequence)),
  );
}

/**
 * Stores finished cases sent by a running `extraction.run` job, in one transaction. The first
 * successful case writes the extraction's name table; a case whose names differ from it is
 * stored as a failure saying so (the table's columns must mean the same thing in every row).
 */
export function recordFeatureRows(db: Database.Database, extractionId: number, raw: readonly unknown[]): number {
  const getNames = db.prepare('SELECT feature_names FROM extraction WHERE id = ?').pluck();
  const setNames = db.prepare('UPDATE extraction SET feature_names = ? WHERE id = ?');
  const put = db.prepare(
    `INSERT OR REPLACE INTO feature_row(extraction_id, segmentation_id, image_sha256, mask_sha256, feature_values, diagnostics, error, elapsed_ms, created_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const exists = db.prepare('SELECT 1 FROM segmentation WHERE id = ?');
  let stored = 0;
  db.transaction(() => {
    const text = getNames.get(extractionId) as string | null | undefined;
    if (text === undefined) return; // the extraction was deleted while its job ran
    let names: string[] | null = text ? (JSON.parse(text) as string[]) : null;
    const now = new Date().toISOString();
    for (const item of raw) {
      const r = FeatureRowRecordSchema.parse(item);
      if (!exists.get(r.segmentationId)) continue; // deleted meanwhile
      let error = r.error ?? null;
      let values: Buffer | null = null;
      if (error === null) {
        const bytes = Buffer.from(r.valuesBase64 ?? '', 'base64');
        if (names === null && r.names) {
          names = r.names;
          setNames.run(JSON.stringify(names), extractionId);
        }
        const own = r.names ?? names;
        if (names === null || own === null) error = 'the case came without feature names';
        else if (own.length !== names.length || own.some((n, i) => n !== names![i]))
          error = `its ${own.length} feature names differ from the extraction's ${names.length}; the parameters must give the same features for every case`;
        else if (bytes.length !== names.length * 8) error = `${bytes.length / 8} values for ${names.length} features`;
        else values = bytes;
      }
      put.run(
        extractionId,
        r.segmentationId,
        r.imageSha256,
        r.maskSha256,
        values,
        JSON.stringify(r.diagnostics),
        values === null ? (error ?? 'no values') : null,
        r.elapsedMs,
        now,
      );
      stored++;
    }
  })();
  return stored;
}
