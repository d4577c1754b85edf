/**
 * Voxels for the viewer: a series volume read again from its source files (checked against the
 * import, see compute/jobs/series-volume.ts) and a segmentation's mask on its series grid, both
 * framed for binary transport (api/voxels.ts). The last volumes served are kept in memory so
 * going back and forth between lesions of one exam does not re-read the files.
 */
import { AppError } from '../../api/errors.js';
import { sequenceLabel } from '../../api/extraction.js';
import { GeometrySchema } from '../../api/images.js';
import { dtypeOf, encodeVoxels, type VoxelHeader } from '../../api/voxels.js';
import { decodeMask } from '../../compute/imaging/maskCodec.js';
import type { Geometry, Volume } from '../../compute/imaging/volume.js';
import { loadSeriesVolume, type StoredSeries } from '../../compute/jobs/series-volume.js';
import { studyVolumeCache } from '../../compute/imaging/volumeCache.js';
import type { StudyService } from '../study.js';

const CACHED_VOLUMES = 4;

interface SeriesRow {
  description: string | null;
  kind: string;
  b_value: number | null;
  phase: number | null;
  source_folder: string;
  component: number;
  components: number;
  geometry: string;
}

function toGeometry(json: string): Geometry {
  const g = GeometrySchema.parse(JSON.parse(json));
  return { size: g.size, spacingMm: g.spacingMm, originMm: g.originMm, direction: g.direction as Geometry['direction'] };
}

function range(data: ArrayLike<number>): { min: number; max: number } {
  let min = Infinity;
  let max = -Infinity;
  for (let v = 0; v < data.length; v++) {
    const x = data[v]!;
    if (x < min) min = x;
    if (x > max) max = x;
  }
  return data.length === 0 ? { min: 0, max: 0 } : { min, max };
}

export class ViewerService {
  /** Key `${studyPath}#${seriesId}#${sourceFolder}` → framed volume, most recently used last. */
  private readonly cache = new Map<string, Promise<Uint8Array>>();

  /** Called before a mask leaves the study; throws to refuse it (reader mode, readers/readerMode.ts). */
  maskAccess: ((segmentationId: number) => void) | null = null;

  constructor(private readonly study: StudyService) {}

  /** The stored series as the loader needs it, with a name for messages. */
  storedSeries(seriesId: number): StoredSeries {
    const db = this.study.requireHandle().db;
    const s = db
      .prepare(
        'SELECT description, kind, b_value, phase, source_folder, component, components, geometry FROM series WHERE id = ?',
      )
      .get(seriesId) as SeriesRow | undefined;
    if (!s) throw new AppError('NOT_FOUND', `There is no image series #${seriesId} in this study.`, { seriesId });
    const files = db.prepare('SELECT path, sha256 FROM series_file WHERE series_id = ? ORDER BY position').all(seriesId) as {
      path: string;
      sha256: string;
    }[];
    const name = `series #${seriesId} (${sequenceLabel(s.kind, s.b_value, s.phase)}${s.description ? `, "${s.description}"` : ''})`;
    if (files.length === 0)
      throw new AppError('VALIDATION', `${name} has no source files recorded; import its folder again.`, { seriesId });
    return {
      id: seriesId,
      name,
      sourceFolder: s.source_folder,
      files,
      component: s.component,
      components: s.components,
      geometry: toGeometry(s.geometry),
    };
  }

  /** The framed volume of a series (header + voxels in their stored type). */
  volume(seriesId: number): Promise<Uint8Array> {
    const series = this.storedSeries(seriesId);
    // The source folder is part of the key: after a relink the files are read from the new place.
    const key = `${this.study.requireHandle().path}#${seriesId}#${series.sourceFolder}`;
    let p = this.cache.get(key);
    if (p) {
      this.cache.delete(key);
      this.cache.set(key, p);
      return p;
    }
    p = loadSeriesVolume(series, studyVolumeCache(this.study.requireHandle().path)).then((v: Volume) => {
      const header: VoxelHeader = {
        kind: 'volume',
        seriesId,
        segmentationId: null,
        name: series.name,
        size: v.size,
        spacingMm: v.spacingMm,
        originMm: v.originMm,
        direction: [...v.direction],
        dtype: dtypeOf(v.data),
        ...range(v.data),
      };
      return encodeVoxels(header, v.data);
    });
    this.cache.set(key, p);
    // A failed read is not kept: the user may fix the files (relink) and try again.
    p.catch(() => this.cache.delete(key));
    while (this.cache.size > CACHED_VOLUMES) this.cache.delete(this.cache.keys().next().value!);
    return p;
  }

  /** The framed mask (uint8, 0/1) of a segmentation on its series grid. */
  mask(segmentationId: number): Uint8Array {
    this.maskAccess?.(segmentationId);
    const db = this.study.requireHandle().db;
    const row = db
      .prepare(
        `SELECT g.series_id, g.mask, s.geometry, p.code AS patient, l.code AS lesion, g.reader
           FROM segmentation g JOIN series s ON s.id = g.series_id JOIN lesion l ON l.id = g.lesion_id
           JOIN patient p ON p.id = l.patient_id WHERE g.id = ?`,
      )
      .get(segmentationId) as
      { series_id: number; mask: Buffer; geometry: string; patient: string; lesion: string; reader: string } | undefined;
    if (!row) throw new AppError('NOT_FOUND', `There is no segmentation #${segmentationId} in this study.`);
    const grid = toGeometry(row.geometry);
    const name = `segmentation #${segmentationId} (${row.patient}/${row.lesion}, reader ${row.reader})`;
    let data: Uint8Array;
    try {
      data = decodeMask(new Uint8Array(row.mask), grid.size[0] * grid.size[1] * grid.size[2]);
    } catch (e) {
      throw new AppError(
        'VALIDATION',
        `${name}: the stored mask does not fit series #${row.series_id}'s grid (${(e as Error).message}).`,
        {
          segmentationId,
        },
      );
    }
    const header: VoxelHeader = {
      kind: 'mask',
      seriesId: row.series_id,
      segmentationId,
      name,
      ...grid,
      direction: [...grid.direction],
      dtype: 'uint8',
      min: 0,
      max: 1,
    };
    return encodeVoxels(header, data);
  }

  /** Forgets cached volumes (study closed, files relinked). */
  clear(): void {
    this.cache.clear();
  }
}

/** What the binary routes of both adapters answer: `volume/<seriesId>` or `mask/<segmentationId>`. */
export type VoxelResource = { kind: 'volume' | 'mask'; id: number };

export function parseVoxelResource(kind: unknown, id: unknown): VoxelResource {
  const n = typeof id === 'string' ? Number(id) : id;
  if ((kind !== 'volume' && kind !== 'mask') || typeof n !== 'number' || !Number.isInteger(n) || n <= 0)
    throw new AppError(
      'VALIDATION',
      `Voxel data is requested as volume/<series id> or mask/<segmentation id>, not ${String(kind)}/${String(id)}.`,
    );
  return { kind, id: n };
}

export async function voxelsOf(viewer: ViewerService, r: VoxelResource): Promise<Uint8Array> {
  return r.kind === 'volume' ? viewer.volume(r.id) : viewer.mask(r.id);
}
