/**
 * Reader agreement of the open study, from what it stores: ICC per feature of an extraction
 * across two readers (main/compute/stats/agreement/icc.ts, Shrout–Fleiss forms with F-based CIs
 * as psych::ICC), and per-lesion agreement of the two readers' masks on the same series
 * (segmentation.ts: Dice, Jaccard, HD95, mean surface distance, volume difference) with a
 * Bland–Altman analysis of the volumes per sequence.
 */
import type Database from 'better-sqlite3';
import { AppError } from '../../api/errors.js';
import { GeometrySchema } from '../../api/images.js';
import type { FeatureAgreement, FeatureAgreementRequest, MaskAgreement, MaskAgreementRequest } from '../../api/readers.js';
import { SegmentLabelsSchema } from '../../api/segmentation.js';
import { decodeMask, labelCounts } from '../../compute/imaging/maskCodec.js';
import { blandAltman } from '../../compute/stats/agreement/blandAltman.js';
import { icc, type IccForm } from '../../compute/stats/agreement/icc.js';
import { segmentationAgreement } from '../../compute/stats/agreement/segmentation.js';
import { StatsInputError } from '../../compute/stats/common.js';
import { segmentationCases, sequenceOrder, type SegmentationCase } from '../extraction/repository.js';

/** ICC of every feature of two readers' value vectors, paired by lesion (NaN = missing). */
export function featureIcc(
  a: readonly Float64Array[],
  b: readonly Float64Array[],
  nFeatures: number,
  form: IccForm,
  confLevel: number,
): { n: number; icc: number | null; lower: number | null; upper: number | null; note: string | null }[] {
  const out = [];
  for (let j = 0; j < nFeatures; j++) {
    const ratings: [number, number][] = [];
    for (let i = 0; i < a.length; i++) {
      const x = a[i]![j]!;
      const y = b[i]![j]!;
      ratings.push([Number.isFinite(x) ? x : NaN, Number.isFinite(y) ? y : NaN]);
    }
    const n = ratings.filter(([x, y]) => !Number.isNaN(x) && !Number.isNaN(y)).length;
    try {
      const r = icc(ratings, confLevel).forms[form];
      out.push({ n, icc: r.icc, lower: r.confInt[0], upper: r.confInt[1], note: null });
    } catch (e) {
      if (!(e instanceof StatsInputError)) throw e;
      out.push({ n, icc: null, lower: null, upper: null, note: e.message });
    }
  }
  return out;
}

function pairCases(cases: readonly SegmentationCase[], readers: readonly [string, string]) {
  // lesion × sequence → [case of readers[0], case of readers[1]]; the first segmentation (lowest
  // id) of a reader on a sequence wins, as in the extraction's wide table.
  const by = new Map<string, [SegmentationCase | undefined, SegmentationCase | undefined]>();
  for (const c of [...cases].sort((x, y) => x.id - y.id)) {
    const r = readers.indexOf(c.reader);
    if (r < 0) continue;
    const key = `${c.lesionId}\0${c.sequence}`;
    const e = by.get(key) ?? [undefined, undefined];
    if (e[r] === undefined) e[r] = c;
    by.set(key, e);
  }
  return [...by.values()].filter((e): e is [SegmentationCase, SegmentationCase] => e[0] !== undefined && e[1] !== undefined);
}

export function featureAgreement(db: Database.Database, req: FeatureAgreementRequest): FeatureAgreement {
  const ex = db.prepare('SELECT id, name, feature_names FROM extraction WHERE id = ?').get(req.extractionId) as
    { id: number; name: string; feature_names: string | null } | undefined;
  if (!ex) throw new AppError('NOT_FOUND', `There is no extraction #${req.extractionId} in this study.`);
  const names = ex.feature_names ? (JSON.parse(ex.feature_names) as string[]) : [];
  if (names.length === 0) throw new AppError('VALIDATION', `Extraction "${ex.name}" has no stored features yet; run it first.`);
  const values = new Map<number, Float64Array>();
  for (const r of db
    .prepare(
      'SELECT segmentation_id AS id, feature_values AS v FROM feature_row WHERE extraction_id = ? AND feature_values IS NOT NULL',
    )
    .all(ex.id) as { id: number; v: Buffer }[]) {
    values.set(r.id, new Float64Array(r.v.buffer.slice(r.v.byteOffset, r.v.byteOffset + r.v.byteLength)));
  }
  const pairs = pairCases(segmentationCases(db), req.readers).filter(([x, y]) => values.has(x.id) && values.has(y.id));
  const bySequence = new Map<string, [SegmentationCase, SegmentationCase][]>();
  for (const p of pairs) bySequence.set(p[0].sequence, [...(bySequence.get(p[0].sequence) ?? []), p]);
  if (bySequence.size === 0)
    throw new AppError(
      'VALIDATION',
      `Extraction "${ex.name}" has no lesion with features from both ${req.readers[0]} and ${req.readers[1]} on the same sequence; extract both readers' segmentations first.`,
    );
  const features: FeatureAgreement['features'] = [];
  const perSequence: FeatureAgreement['perSequence'] = [];
  for (const sequence of [...bySequence.keys()].sort(sequenceOrder)) {
    const list = bySequence.get(sequence)!;
    const stats = featureIcc(
      list.map(([x]) => values.get(x.id)!),
      list.map(([, y]) => values.get(y.id)!),
      names.length,
      req.form,
      req.confLevel,
    );
    let kept = 0;
    stats.forEach((s, j) => {
      const isKept = s.icc !== null && s.icc >= req.threshold;
      if (isKept) kept++;
      features.push({ column: `${sequence}_${names[j]!}`, sequence, feature: names[j]!, ...s, kept: isKept });
    });
    perSequence.push({ sequence, lesions: list.length, features: names.length, kept });
  }
  return {
    extractionId: ex.id,
    extractionName: ex.name,
    readers: req.readers,
    form: req.form,
    threshold: req.threshold,
    confLevel: req.confLevel,
    features,
    perSequence,
  };
}

/** Crops a mask to a box (inclusive voxel bounds), x fastest. */
function crop(mask: Uint8Array, size: readonly number[], b: readonly number[]): Uint8Array {
  const [nx, ny] = size as [number, number];
  const cx = b[1]! - b[0]! + 1;
  const cy = b[3]! - b[2]! + 1;
  const cz = b[5]! - b[4]! + 1;
  const out = new Uint8Array(cx * cy * cz);
  for (let z = 0; z < cz; z++)
    for (let y = 0; y < cy; y++) {
      const src = b[0]! + nx * (b[2]! + y + ny * (b[4]! + z));
      out.set(mask.subarray(src, src + cx), cx * (y + cy * z));
    }
  return out;
}

/** Agreement of two label masks for one label value (null = any label, the whole mask). */
export interface LabelAgreement {
  label: number | null;
  dice: number;
  jaccard: number;
  /** Null when either mask lacks the label: surface distances are undefined. */
  hd95Mm: number | null;
  meanSurfaceDistanceMm: number | null;
  volumeAMm3: number;
  volumeBMm3: number;
}

/**
 * Agreement of two label masks on the same grid (a = reference, x fastest): first the whole
 * mask (any non-zero value), then — when either mask holds more than one label value — each
 * label value present in either mask, ascending. A label only one reader drew has Dice 0,
 * Jaccard 0 and no surface distances.
 */
export function perLabelAgreement(
  a: Uint8Array,
  b: Uint8Array,
  dims: readonly [number, number, number],
  spacing: readonly [number, number, number],
): LabelAgreement[] {
  const voxel = spacing[0] * spacing[1] * spacing[2];
  const one = (label: number | null): LabelAgreement => {
    const pa = label === null ? a : a.map((v) => (v === label ? 1 : 0));
    const pb = label === null ? b : b.map((v) => (v === label ? 1 : 0));
    let na = 0;
    let nb = 0;
    for (let i = 0; i < pa.length; i++) {
      if (pa[i] !== 0) na++;
      if (pb[i] !== 0) nb++;
    }
    if (na > 0 && nb > 0) {
      const s = segmentationAgreement({ data: pa, dims, spacing }, { data: pb, dims, spacing });
      return {
        label,
        dice: s.dice,
        jaccard: s.jaccard,
        hd95Mm: s.hausdorff95,
        meanSurfaceDistanceMm: s.meanSurfaceDistance,
        volumeAMm3: s.volumeReference,
        volumeBMm3: s.volumeTest,
      };
    }
    // One mask lacks the label: no overlap, so Dice = Jaccard = 0 (both empty cannot happen:
    // the label is present in at least one mask, and a stored mask is never empty).
    return {
      label,
      dice: 0,
      jaccard: 0,
      hd95Mm: null,
      meanSurfaceDistanceMm: null,
      volumeAMm3: na * voxel,
      volumeBMm3: nb * voxel,
    };
  };
  const values = new Set<number>();
  for (const m of [a, b]) for (const [v] of labelCounts(m)) if (v !== 0) values.add(v);
  const out = [one(null)];
  if (values.size > 1 || (values.size === 1 && !values.has(1)))
    for (const v of [...values].sort((x, y) => x - y)) out.push(one(v));
  return out;
}

/** Label value → name from two readers' label tables (JSON text); the first reader's name wins. */
function labelNames(...tables: string[]): Map<number, string> {
  const out = new Map<number, string>();
  for (const t of tables) {
    const parsed = SegmentLabelsSchema.safeParse(JSON.parse(t));
    if (!parsed.success) continue;
    for (const l of parsed.data) if (!out.has(l.value)) out.set(l.value, l.name);
  }
  return out;
}

export function maskAgreement(db: Database.Database, req: MaskAgreementRequest): MaskAgreement {
  const cases = segmentationCases(db).filter((c) => req.sequences.length === 0 || req.sequences.includes(c.sequence));
  // Masks are compared on one grid: both readers' segmentations of a lesion on the same series.
  const bySeries = new Map<string, [SegmentationCase | undefined, SegmentationCase | undefined]>();
  for (const c of cases.sort((x, y) => x.id - y.id)) {
    const r = req.readers.indexOf(c.reader);
    if (r < 0) continue;
    const key = `${c.lesionId}\0${c.seriesId}`;
    const e = bySeries.get(key) ?? [undefined, undefined];
    if (e[r] === undefined) e[r] = c;
    bySeries.set(key, e);
  }
  const getMask = db.prepare(
    'SELECT g.mask, g.bbox, g.volume_mm3 AS volume, g.labels, s.geometry FROM segmentation g JOIN series s ON s.id = g.series_id WHERE g.id = ?',
  );
  const rows: MaskAgreement['rows'] = [];
  for (const e of bySeries.values()) {
    if (!e[0] || !e[1]) continue;
    const [ca, cb] = e;
    const ra = getMask.get(ca.id) as { mask: Buffer; bbox: string; volume: number; labels: string; geometry: string };
    const rb = getMask.get(cb.id) as { mask: Buffer; bbox: string; volume: number; labels: string; geometry: string };
    const g = GeometrySchema.parse(JSON.parse(ra.geometry));
    const n = g.size[0] * g.size[1] * g.size[2];
    const ma = decodeMask(new Uint8Array(ra.mask), n);
    const mb = decodeMask(new Uint8Array(rb.mask), n);
    // Surface distances only depend on voxels next to the masks: crop to the union box plus one
    // voxel (clamped to the image, so foreground on the image border stays surface).
    const ba = JSON.parse(ra.bbox) as number[];
    const bb = JSON.parse(rb.bbox) as number[];
    const box = [0, 1, 2].flatMap((ax) => [
      Math.max(0, Math.min(ba[2 * ax]!, bb[2 * ax]!) - 1),
      Math.min(g.size[ax]! - 1, Math.max(ba[2 * ax + 1]!, bb[2 * ax + 1]!) + 1),
    ]);
    const dims: [number, number, number] = [box[1]! - box[0]! + 1, box[3]! - box[2]! + 1, box[5]! - box[4]! + 1];
    const names = labelNames(ra.labels, rb.labels);
    for (const s of perLabelAgreement(crop(ma, g.size, box), crop(mb, g.size, box), dims, g.spacingMm)) {
      rows.push({
        lesionId: ca.lesionId,
        patientCode: ca.patientCode,
        lesionCode: ca.lesionCode,
        seriesId: ca.seriesId,
        sequence: ca.sequence,
        label: s.label,
        labelName: s.label === null ? null : (names.get(s.label) ?? null),
        dice: s.dice,
        jaccard: s.jaccard,
        hd95Mm: s.hd95Mm,
        meanSurfaceDistanceMm: s.meanSurfaceDistanceMm,
        volumeAMm3: s.volumeAMm3,
        volumeBMm3: s.volumeBMm3,
        volumeDifferenceMm3: s.volumeBMm3 - s.volumeAMm3,
        volumeDifferenceRelative: s.volumeAMm3 > 0 ? (s.volumeBMm3 - s.volumeAMm3) / s.volumeAMm3 : null,
      });
    }
  }
  rows.sort(
    (x, y) =>
      (x.patientCode < y.patientCode ? -1 : x.patientCode > y.patientCode ? 1 : 0) ||
      (x.lesionCode < y.lesionCode ? -1 : x.lesionCode > y.lesionCode ? 1 : 0) ||
      sequenceOrder(x.sequence, y.sequence) ||
      x.seriesId - y.seriesId ||
      (x.label ?? 0) - (y.label ?? 0),
  );
  const blandAltmanRows: MaskAgreement['blandAltman'] = [];
  for (const sequence of [...new Set(rows.map((r) => r.sequence))].sort(sequenceOrder)) {
    const own = rows.filter((r) => r.sequence === sequence && r.label === null);
    if (own.length < 3) continue;
    // Difference = second reader − first, as in the table (Bland–Altman's a − b with a = second).
    const ba = blandAltman(
      own.map((r) => r.volumeBMm3),
      own.map((r) => r.volumeAMm3),
    );
    blandAltmanRows.push({
      sequence,
      n: ba.n,
      biasMm3: ba.bias,
      lowerLimitMm3: ba.lowerLimit,
      upperLimitMm3: ba.upperLimit,
      means: [...ba.means],
      differences: [...ba.differences],
    });
  }
  return { readers: req.readers, rows, blandAltman: blandAltmanRows };
}

/** The feature ICC table or the mask agreement table as CSV cells (header first). */
export function agreementCsvCells(
  kind: 'features' | 'masks',
  features: FeatureAgreement | null,
  masks: MaskAgreement | null,
): string[][] {
  const num = (v: number | null) => (v === null ? '' : String(v));
  if (kind === 'features') {
    const f = features!;
    return [
      ['column', 'sequence', 'feature', 'n', `${f.form}`, 'lower', 'upper', `kept (>= ${f.threshold})`, 'note'],
      ...f.features.map((r) => [
        r.column,
        r.sequence,
        r.feature,
        String(r.n),
        num(r.icc),
        num(r.lower),
        num(r.upper),
        r.kept ? 'yes' : 'no',
        r.note ?? '',
      ]),
    ];
  }
  const m = masks!;
  return [
    [
      'patient',
      'lesion',
      'series',
      'sequence',
      'dice',
      'jaccard',
      'hd95_mm',
      'msd_mm',
      `volume_${m.readers[0]}_mm3`,
      `volume_${m.readers[1]}_mm3`,
      'volume_difference_mm3',
      'volume_difference_relative',
      'label',
      'label_name',
    ],
    ...m.rows.map((r) => [
      r.patientCode,
      r.lesionCode,
      String(r.seriesId),
      r.sequence,
      ...[
        r.dice,
        r.jaccard,
        r.hd95Mm,
        r.meanSurfaceDistanceMm,
        r.volumeAMm3,
        r.volumeBMm3,
        r.volumeDifferenceMm3,
        r.volumeDifferenceRelative,
      ].map(num),
      r.label === null ? 'any' : String(r.label),
      r.labelName ?? '',
    ]),
  ];
}

/**
 * The ICC per feature column that an analysis spec's `icc` step asks for (extraction by name or
 * id, reader pair, form), for the `analysis.run` job: the step keeps ICC ≥ min, as
 * featureAgreement's `kept` with threshold = min. Features without an ICC are left out.
 */
export function iccsForStep(
  db: Database.Database,
  step: { extraction: string | number; readers?: [string, string] | undefined; form?: IccForm | undefined; min: number },
): Record<string, number> {
  const row = (
    typeof step.extraction === 'number'
      ? db.prepare('SELECT id FROM extraction WHERE id = ?').get(step.extraction)
      : db.prepare('SELECT id FROM extraction WHERE name = ?').get(step.extraction)
  ) as { id: number } | undefined;
  if (!row)
    throw new AppError(
      'NOT_FOUND',
      `The ICC step names extraction ${typeof step.extraction === 'number' ? `#${step.extraction}` : `"${step.extraction}"`}, which is not in this study.`,
    );
  const a = featureAgreement(db, {
    extractionId: row.id,
    readers: step.readers ?? ['R1', 'R2'],
    form: step.form ?? 'ICC2',
    threshold: step.min,
    confLevel: 0.95,
  });
  return Object.fromEntries(a.features.filter((f) => f.icc !== null).map((f) => [f.column, f.icc!]));
}
