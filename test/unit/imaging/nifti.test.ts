import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { readNifti, writeNifti } from '../../../main/compute/imaging/nifti.js';
import type { Mat3, Volume, VoxelArray } from '../../../main/compute/imaging/volume.js';
import { readReference } from './referenceData.js';

const DIGITAL = ['ibsi', 'ibsi1_digital_phantom'];
const CT = ['ibsi', 'ibsi1_ct_phantom', 'nifti'];

function expectClose(actual: readonly number[], expected: readonly number[], tol: number): void {
  expect(actual.length).toBe(expected.length);
  actual.forEach((a, i) => expect(Math.abs(a - expected[i]!), `element ${i}: ${a} vs ${expected[i]}`).toBeLessThanOrEqual(tol));
}

function bufferOf(data: VoxelArray): Buffer {
  return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
}

function distinct(data: VoxelArray): number[] {
  return [...new Set(data)].sort((a, b) => a - b);
}

function rangeOf(data: VoxelArray): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < data.length; i++) {
    lo = Math.min(lo, data[i]!);
    hi = Math.max(hi, data[i]!);
  }
  return [lo, hi];
}

/** Rotation by angles about z then x, with an optional reflection of the third axis. */
function obliqueDirection(az: number, ax: number, reflect: boolean): Mat3 {
  const [cz, sz, cx, sx] = [Math.cos(az), Math.sin(az), Math.cos(ax), Math.sin(ax)];
  // Rz · Rx, column-wise unit vectors.
  const m: Mat3 = [cz, -sz * cx, sz * sx, sz, cz * cx, -cz * sx, 0, sx, cx];
  if (reflect) {
    m[2] = -m[2];
    m[5] = -m[5];
    m[8] = -m[8];
  }
  return m;
}

function patch(bytes: Uint8Array, edit: (view: DataView) => void): Uint8Array {
  const copy = bytes.slice();
  edit(new DataView(copy.buffer));
  return copy;
}

// Reference: shared/reference/ibsi/README.md, "What the images contain".
describe('readNifti on the IBSI phantoms', () => {
  it('IBSI-1 digital phantom: 5×4×4 at 2 mm, identity LPS direction, slice z = 0, 74 ROI voxels, ROI mean 2.1486', () => {
    const img = readNifti(readReference(...DIGITAL, 'image', 'phantom.nii.gz'), 'phantom.nii.gz');
    const mask = readNifti(readReference(...DIGITAL, 'mask', 'mask.nii.gz'), 'mask.nii.gz');
    for (const { volume: v } of [img, mask]) {
      expect(v.size).toEqual([5, 4, 4]);
      expect(v.spacingMm).toEqual([2, 2, 2]);
      expect(v.originMm).toEqual([0, 0, 0]);
      expect(v.direction).toEqual([1, 0, 0, 0, 1, 0, 0, 0, 1]);
    }
    expect(img.voxelType).toBe('int16');
    expect(img.rescaled).toBe(false);
    // qform_code 2 and sform_code 1 describe the same transform; ITK's rule takes the sform.
    expect(img.transform).toBe('sform');
    const slice0: number[][] = [];
    for (let j = 0; j < 4; j++) slice0.push(Array.from(img.volume.data.subarray(5 * j, 5 * j + 5)));
    expect(slice0).toEqual([
      [1, 4, 4, 1, 1],
      [1, 4, 6, 1, 1],
      [4, 1, 6, 4, 1],
      [4, 4, 6, 4, 1],
    ]);
    let n = 0;
    let sum = 0;
    for (let i = 0; i < mask.volume.data.length; i++) {
      if (mask.volume.data[i] === 1) {
        n++;
        sum += img.volume.data[i]!;
      }
    }
    expect(n).toBe(74);
    // README: ROI mean 2.1486 (4 decimals), IBSI reference 2.15 → tolerance 5e-5.
    expect(Math.abs(sum / n - 2.1486)).toBeLessThan(5e-5);
    expect(distinct(img.volume.data)).toEqual([1, 3, 4, 6, 9]);
  });

  it('IBSI-1 CT phantom: 204×201×60, spacing 0.977×0.977×3.0, float32 −1000..3065, mask 125,256 voxels', () => {
    const img = readNifti(readReference(...CT, 'image', 'phantom.nii.gz'), 'ct.nii.gz');
    const mask = readNifti(readReference(...CT, 'mask', 'mask.nii.gz'), 'ctmask.nii.gz');
    expect(img.voxelType).toBe('float32');
    expect(img.volume.data).toBeInstanceOf(Float32Array);
    expect(mask.voxelType).toBe('uint8');
    for (const { volume: v } of [img, mask]) {
      expect(v.size).toEqual([204, 201, 60]);
      // pixdim is float32 0.9769999980926514 → tolerance 1e-6 mm against 0.977.
      expectClose(v.spacingMm, [0.977, 0.977, 3.0], 1e-6);
      expect(v.direction).toEqual([1, 0, 0, 0, 1, 0, 0, 0, 1]);
      // Offsets stored as float32 → tolerance 1e-4 mm.
      expectClose(v.originMm, [-174.3945, -79.6255, -100.4], 1e-4);
    }
    expect(rangeOf(img.volume.data)).toEqual([-1000, 3065]);
    let n = 0;
    for (const x of mask.volume.data) n += x;
    expect(n).toBe(125256);
  });

  it('IBSI-2 phantoms: all readable, sizes, uint8, values as documented, masks all ones', () => {
    const names = ['checkerboard', 'empty', 'impulse', 'noise', 'orientation', 'pattern_1', 'pattern_2', 'pattern_3', 'sphere'];
    for (const name of names) {
      const img = readNifti(readReference('ibsi', 'ibsi2_digital_phantoms', name, 'image', `${name}.nii.gz`), `${name}.nii.gz`);
      const v = img.volume;
      expect(img.voxelType).toBe('uint8');
      expect(img.transform).toBe('qform');
      expect(v.size).toEqual(name === 'orientation' ? [32, 48, 64] : [64, 64, 64]);
      expect(v.spacingMm).toEqual([2, 2, 2]);
      expect(v.direction).toEqual([1, 0, 0, 0, 1, 0, 0, 0, 1]);
      const values = distinct(v.data);
      if (name === 'empty') expect(values).toEqual([0]);
      else if (name === 'noise') expect(rangeOf(v.data)).toEqual([0, 255]);
      else if (name === 'orientation') expect(rangeOf(v.data)).toEqual([0, 141]);
      else expect(values).toEqual([0, 255]);
      if (name !== 'orientation') {
        const mask = readNifti(readReference('ibsi', 'ibsi2_digital_phantoms', name, 'mask', 'mask.nii.gz'), 'mask.nii.gz');
        expect(mask.volume.size).toEqual(v.size);
        expect(distinct(mask.volume.data)).toEqual([1]);
      }
    }
  });
});

describe('writeNifti / readNifti round trip', () => {
  it('CT phantom: a big-endian copy of the image and a gzip copy of the mask read back identical (geometry 1e-4 mm, float32 header)', () => {
    const img = readNifti(readReference(...CT, 'image', 'phantom.nii.gz')).volume;
    const mask = readNifti(readReference(...CT, 'mask', 'mask.nii.gz')).volume;
    for (const [vol, options] of [
      [img, { endian: 'big' as const }],
      [mask, { gzip: true, gzipLevel: 1 }],
    ] as const) {
      const back = readNifti(writeNifti(vol, options), 'copy.nii');
      expect(back.volume.data.constructor).toBe(vol.data.constructor);
      expect(Buffer.compare(bufferOf(back.volume.data), bufferOf(vol.data))).toBe(0);
      expect(back.volume.size).toEqual(vol.size);
      expectClose(back.volume.spacingMm, vol.spacingMm, 1e-4);
      expectClose(back.volume.originMm, vol.originMm, 1e-4);
      expectClose(back.volume.direction, vol.direction, 1e-6);
    }
  });

  it('oblique and reflected directions survive both the sform and the qform (quaternion) path', () => {
    const data = new Int16Array(3 * 4 * 5).map((_, i) => i - 30);
    for (const reflect of [false, true]) {
      const vol: Volume = {
        size: [3, 4, 5],
        spacingMm: [0.7, 1.1, 2.5],
        originMm: [-12.5, 33.25, 7],
        direction: obliqueDirection(0.3, -0.45, reflect),
        data,
      };
      const bytes = writeNifti(vol);
      const viaSform = readNifti(bytes);
      // sform_code 0 forces the qform path (nifti1.h method 2).
      const viaQform = readNifti(patch(bytes, (v) => v.setInt16(254, 0, true)));
      expect(viaSform.transform).toBe('sform');
      expect(viaQform.transform).toBe('qform');
      expect(viaQform.header.pixdim[0]).toBe(reflect ? -1 : 1);
      for (const r of [viaSform, viaQform]) {
        // float32 storage of quaternion/sform → tolerance 1e-6 on unit vectors, 1e-4 mm on origin.
        expectClose(r.volume.direction, vol.direction, 1e-6);
        expectClose(r.volume.spacingMm, vol.spacingMm, 1e-6);
        expectClose(r.volume.originMm, vol.originMm, 1e-4);
        expect(Array.from(r.volume.data)).toEqual(Array.from(data));
      }
    }
  });

  it('4D volumes are written planar as dim[4] and read back interleaved', () => {
    // Voxel v of frame f holds 100·f + v.
    const n = 2 * 2 * 1;
    const data = new Float32Array(n * 3);
    for (let v = 0; v < n; v++) for (let f = 0; f < 3; f++) data[3 * v + f] = 100 * f + v;
    const vol: Volume = {
      size: [2, 2, 1],
      spacingMm: [1, 1, 1],
      originMm: [0, 0, 0],
      direction: [1, 0, 0, 0, 1, 0, 0, 0, 1],
      data,
      components: 3,
    };
    const bytes = writeNifti(vol);
    const view = new DataView(bytes.buffer);
    expect([view.getInt16(40, true), view.getInt16(48, true)]).toEqual([4, 3]);
    expect(Array.from(new Float32Array(bytes.slice(352).buffer))).toEqual([0, 1, 2, 3, 100, 101, 102, 103, 200, 201, 202, 203]);
    const back = readNifti(bytes);
    expect(back.volume.components).toBe(3);
    expect(Array.from(back.volume.data)).toEqual(Array.from(data));
  });
});

describe('readNifti header semantics', () => {
  const base: Volume = {
    size: [2, 1, 1],
    spacingMm: [2, 2, 2],
    originMm: [10, 20, 30],
    direction: [1, 0, 0, 0, 1, 0, 0, 0, 1],
    data: new Int16Array([7, -3]),
  };
  const bytes = writeNifti(base);

  it('scl_slope/scl_inter are applied into float32 (slope 2, intercept −5)', () => {
    const img = readNifti(patch(bytes, (v) => (v.setFloat32(112, 2, true), v.setFloat32(116, -5, true))));
    expect(img.rescaled).toBe(true);
    expect(img.voxelType).toBe('int16');
    expect(img.volume.data).toBeInstanceOf(Float32Array);
    expect(Array.from(img.volume.data)).toEqual([9, -11]);
    // Slope 0 means "no scaling" (nifti1.h).
    expect(readNifti(patch(bytes, (v) => v.setFloat32(112, 0, true))).volume.data).toBeInstanceOf(Int16Array);
  });

  it('ITK precedence: an sform with code 2 that disagrees with the qform is ignored; code 1 wins', () => {
    // Shift the sform origin (srow_x[3], RAS) by 50 mm.
    const shifted = (code: number): Uint8Array =>
      patch(bytes, (v) => {
        v.setInt16(254, code, true);
        v.setFloat32(292, v.getFloat32(292, true) + 50, true);
      });
    const aligned = readNifti(shifted(2));
    expect(aligned.transform).toBe('qform');
    expect(aligned.volume.originMm).toEqual([10, 20, 30]);
    expect(aligned.warnings.join(' ')).toMatch(/sform \(code 2\) differs from the qform/);
    const scanner = readNifti(shifted(1));
    expect(scanner.transform).toBe('sform');
    expect(scanner.volume.originMm).toEqual([-40, 20, 30]);
    // qform_code 0: the sform is used whatever its code.
    const noQform = readNifti(patch(shifted(2), (v) => v.setInt16(252, 0, true)));
    expect(noQform.transform).toBe('sform');
    // Neither: ANALYZE method 1, RAS axes → LPS direction diag(−1, −1, 1), origin 0.
    const none = readNifti(patch(bytes, (v) => (v.setInt16(252, 0, true), v.setInt16(254, 0, true))));
    expect(none.transform).toBe('none');
    expect(none.volume.direction).toEqual([-1, 0, 0, 0, -1, 0, 0, 0, 1]);
    expect(none.volume.originMm).toEqual([0, 0, 0]);
  });

  it('a sheared sform is not used (ITK needs a rotation × pixdim); the qform is', () => {
    const sheared = patch(bytes, (v) => v.setFloat32(284, 1, true)); // srow_x[1]
    const img = readNifti(sheared);
    expect(img.transform).toBe('qform');
    expect(img.warnings.join(' ')).toMatch(/sform ignored/);
  });

  it('spatial units in metres are converted to mm', () => {
    const metres = patch(bytes, (v) => v.setUint8(123, 1));
    expect(readNifti(metres).volume.spacingMm).toEqual([2000, 2000, 2000]);
  });

  it('reads a .hdr/.img pair (magic ni1, vox_offset 0) when given the image bytes', () => {
    const hdr = patch(bytes.slice(0, 348), (v) => {
      v.setUint8(345, 0x69); // "ni1"
      v.setFloat32(108, 0, true);
    });
    const img = readNifti(hdr, 'pair.hdr', { imageBytes: bytes.slice(352) });
    expect(Array.from(img.volume.data)).toEqual([7, -3]);
    expect(img.volume.originMm).toEqual([10, 20, 30]);
  });

  it('reads a NIfTI-2 header (540 bytes, 64-bit dims, double fields)', () => {
    const buf = new Uint8Array(544 + 6);
    const v = new DataView(buf.buffer);
    v.setInt32(0, 540, true);
    buf.set([0x6e, 0x2b, 0x32, 0, 0x0d, 0x0a, 0x1a, 0x0a], 4); // "n+2\0\r\n\032\n"
    v.setInt16(12, 4, true); // INT16
    v.setInt16(14, 16, true);
    [3, 3, 1, 1, 1, 1, 1, 1].forEach((d, k) => v.setBigInt64(16 + 8 * k, BigInt(d), true));
    [1, 0.5, 0.6, 0.7, 1, 1, 1, 1].forEach((p, k) => v.setFloat64(104 + 8 * k, p, true));
    v.setBigInt64(168, 544n, true);
    v.setFloat64(176, 1, true);
    v.setInt32(344, 1, true); // qform_code
    v.setFloat64(376, 1.25, true); // qoffset_x (RAS)
    v.setFloat64(384, -2.5, true);
    v.setFloat64(392, 3.75, true);
    v.setInt32(500, 2, true); // mm
    new Int16Array(buf.buffer, 544, 3).set([5, -6, 7]);
    const img = readNifti(buf, 'v2.nii');
    expect(img.header.version).toBe(2);
    expect(img.volume.size).toEqual([3, 1, 1]);
    expect(img.volume.spacingMm).toEqual([0.5, 0.6, 0.7]);
    expect(img.volume.originMm).toEqual([-1.25, 2.5, 3.75]);
    expect(img.volume.direction).toEqual([-1, 0, 0, 0, -1, 0, 0, 0, 1]);
    expect(Array.from(img.volume.data)).toEqual([5, -6, 7]);
  });
});

describe('readNifti: corrupt and truncated input', () => {
  const ct = readReference(...CT, 'mask', 'mask.nii.gz');

  it('truncated gzip names the file', () => {
    expect(() => readNifti(ct.subarray(0, ct.length - 100), 'mask.nii.gz')).toThrow(
      /^mask\.nii\.gz: gzip data cannot be decompressed/,
    );
  });

  it('truncated voxel data state the byte counts', () => {
    const raw = gunzipSync(readReference(...DIGITAL, 'mask', 'mask.nii.gz'));
    expect(() => readNifti(raw.subarray(0, raw.length - 1), 'mask.nii')).toThrow(
      'mask.nii: NIfTI voxel data are truncated: 159 bytes after offset 352, 160 needed for 5×4×4 INT16 voxels',
    );
  });

  it('wrong sizeof_hdr, unsupported datatype and a lone .hdr are named', () => {
    const good = writeNifti({
      size: [1, 1, 1],
      spacingMm: [1, 1, 1],
      originMm: [0, 0, 0],
      direction: [1, 0, 0, 0, 1, 0, 0, 0, 1],
      data: new Uint8Array(1),
    });
    expect(() =>
      readNifti(
        patch(good, (v) => v.setInt32(0, 12345, true)),
        'x.nii',
      ),
    ).toThrow('x.nii: not a NIfTI file: sizeof_hdr is 12345');
    expect(() =>
      readNifti(
        patch(good, (v) => v.setInt16(70, 32, true)),
        'c.nii',
      ),
    ).toThrow('c.nii: NIfTI datatype 32 (COMPLEX64) is not supported');
    expect(() =>
      readNifti(
        patch(good, (v) => v.setUint8(345, 0x69)),
        'p.hdr',
      ),
    ).toThrow(/p\.hdr: .*\.img data file must be read/);
    expect(() => readNifti(new Uint8Array(10), 's.nii')).toThrow('s.nii: not a NIfTI file: 10 bytes');
  });
});
