/**
 * Everything image-shaped for one demo patient: the phantom, its MR series and, per lesion,
 * the reference mask and two readers' masks on the T2WI/DCE grid.
 */
import type { Geometry, Vec3 } from '../imaging/volume.js';
import { DEMO_CENTERS } from './centers.js';
import type { DemoPatient } from './clinical.js';
import type { MaskKind } from './masks.js';
import { referenceMask, readerMask } from './masks.js';
import type { SynthSeries } from './mri.js';
import { synthesizeSeries } from './mri.js';
import { buildPhantom } from './phantom.js';
import { Rng } from './random.js';

export interface LesionMasks {
  lesionCode: string;
  centerMm: Vec3;
  masks: Record<MaskKind, Uint8Array>;
}

export interface PatientImages {
  /** Grid of the T2WI, the DCE series and the masks. */
  geometry: Geometry;
  series: SynthSeries[];
  lesions: LesionMasks[];
}

export function generatePatientImages(seed: number, index: number, patient: DemoPatient): PatientImages {
  const center = DEMO_CENTERS[patient.center]!;
  const ph = buildPhantom(seed, index, patient, center);
  const rng = Rng.derive(seed, 'bpe', index);
  // Background parenchymal enhancement: stronger before menopause.
  const bpe = (patient.menopausal === 'post' ? 0.12 : 0.25) * rng.range(0.5, 1.5);
  const series = synthesizeSeries(seed, index, ph, patient.lesions, center, bpe);
  const lesions = patient.lesions.map((l, li) => ({
    lesionCode: l.code,
    centerMm: [...ph.shapes[li]!.centerMm] as Vec3,
    masks: {
      reference: referenceMask(ph, li),
      reader1: readerMask(ph, li, 'reader1', seed, index),
      reader2: readerMask(ph, li, 'reader2', seed, index),
    },
  }));
  return { geometry: ph.geometry, series, lesions };
}
