import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { detectImageFormat, readImage, writeImage } from '../../../main/compute/imaging/imageIo.js';
import { baselineRow, readReference } from './referenceData.js';

const sha1 = (d: ArrayBufferView): string =>
  createHash('sha1')
    .update(new Uint8Array(d.buffer, d.byteOffset, d.byteLength))
    .digest('hex');

describe('readImage / writeImage', () => {
  it('recognises NRRD, NIfTI (gzip) and DICOM from the bytes, whatever the name', async () => {
    expect(detectImageFormat(readReference('pyradiomics', 'breast1_image.nrrd'))).toBe('nrrd');
    expect(detectImageFormat(readReference('ibsi', 'ibsi1_ct_phantom', 'nifti', 'image', 'phantom.nii.gz'))).toBe('nifti');
    expect(detectImageFormat(readReference('dicom', 'MR_small.dcm'))).toBe('dicom');
    expect(detectImageFormat(new TextEncoder().encode('hello world, not an image'))).toBeUndefined();
    const dicom = await readImage(readReference('dicom', 'MR_small.dcm'), 'renamed.nii');
    expect(dicom.format).toBe('dicom');
    expect(dicom.volume.size).toEqual([64, 64, 1]);
    await expect(readImage(new Uint8Array(200), 'blank.bin')).rejects.toThrow('blank.bin: not an image RadStudy can read');
  });

  it('NRRD → NIfTI → NRRD keeps breast1 voxels (SHA-1 = baseline hash) and geometry (≤ 1e-4 mm, float32 NIfTI header)', async () => {
    // Reference: pyradiomics baseline_firstorder.csv, diagnostics_Image-original_Hash.
    const hash = baselineRow('baseline_firstorder.csv', 'diagnostics_Image-original_Hash').breast1;
    const nrrd = await readImage(readReference('pyradiomics', 'breast1_image.nrrd'), 'breast1_image.nrrd');
    const nifti = await readImage(writeImage(nrrd.volume, 'breast1.nii.gz'), 'breast1.nii.gz');
    expect(nifti.format).toBe('nifti');
    const back = await readImage(writeImage(nifti.volume, 'breast1.nrrd'), 'breast1.nrrd');
    expect(sha1(back.volume.data)).toBe(hash);
    for (const key of ['spacingMm', 'originMm', 'direction'] as const) {
      back.volume[key].forEach((x, k) => expect(Math.abs(x - nrrd.volume[key][k]!)).toBeLessThan(1e-4));
    }
    expect(() => writeImage(nrrd.volume, 'out.mha')).toThrow('out.mha: cannot write this format');
  });
});
