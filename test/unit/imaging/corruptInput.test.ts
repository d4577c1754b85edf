import { describe, expect, it } from 'vitest';
import { ImageFormatError } from '../../../main/compute/imaging/imageFormatError.js';
import { readImage } from '../../../main/compute/imaging/imageIo.js';
import { readReference } from './referenceData.js';

/** Deterministic uniform numbers in [0, 1) (LCG, Numerical Recipes constants). */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 4294967296;
}

// Truncations at random lengths and random byte changes of reference files of every format:
// the readers either succeed or throw an ImageFormatError that starts with the file name,
// never a TypeError/RangeError or a bare string from a parser.
describe('corrupt input always gives an ImageFormatError naming the file', () => {
  const files = [
    ['pyradiomics', 'breast1_label.nrrd'],
    ['ibsi', 'ibsi1_digital_phantom', 'image', 'phantom.nii.gz'],
    ['dicom', 'MR_small.dcm'],
    ['dicom', 'MR_small_RLE.dcm'],
    ['dicom', 'MR_small_jp2klossless.dcm'],
    ['dicom', 'rtdose.dcm'],
  ];
  for (const parts of files) {
    const name = parts[parts.length - 1]!;
    it(name, async () => {
      const original = readReference(...parts);
      const rand = lcg(name.length * 7919);
      let failures = 0;
      for (let t = 0; t < 40; t++) {
        let bytes: Uint8Array;
        if (t % 2 === 0) bytes = original.subarray(0, Math.floor(rand() * original.length));
        else {
          bytes = original.slice();
          for (let k = 0; k < 4; k++) bytes[Math.floor(rand() * bytes.length)] = Math.floor(rand() * 256);
        }
        try {
          await readImage(bytes, name);
        } catch (e) {
          failures++;
          expect(e).toBeInstanceOf(ImageFormatError);
          expect((e as Error).message.startsWith(`${name}: `)).toBe(true);
        }
      }
      // Every truncation removes data, so at least the 20 truncated copies must fail.
      expect(failures).toBeGreaterThanOrEqual(20);
    });
  }
});
