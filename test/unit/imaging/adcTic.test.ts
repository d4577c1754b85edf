/**
 * ADC from DWI and the DCE time–intensity curve.
 *
 * References and tolerances:
 * - Monoexponential signals S_b = S_0·exp(−b·ADC) without noise: the fit returns the ADC used to
 *   make them within 1e-9 relative, for 2 and 4 b-values (the model is exact in ln S).
 * - With noise, the 3-b-value fit equals the closed-form ordinary least-squares slope of ln S on b
 *   (numpy.polyfit(b, log(S), 1) gives the same by definition), computed here by centring —
 *   another formula than the kernel's sum form — within 1e-9.
 * - The demo scanner's ADC series (main/compute/demo/mri.ts, two b-values, values rounded to
 *   10⁻⁶ mm²/s) is reproduced within 1 unit (its rounding) wherever the scanner fitted a voxel.
 * - TIC types follow Kuhl 1999's ±10 % rule on hand-made curves (exact); on demo patients the
 *   type found from the reference masks agrees with the generator's TIC type (its ground truth,
 *   not our output) for ≥ 90 % of lesions.
 */
import { describe, expect, it } from 'vitest';
import { adcToStored, computeAdc } from '../../../main/compute/imaging/adc.js';
import { classifyTic, earlyPhaseIndex, timeIntensityCurve } from '../../../main/compute/imaging/tic.js';
import { generatePatient } from '../../../main/compute/demo/clinical.js';
import { generatePatientImages } from '../../../main/compute/demo/patientImages.js';

describe('computeAdc', () => {
  const truth = Float64Array.from({ length: 500 }, (_, v) => 200 + 6 * v); // 200…3194 ×10⁻⁶ mm²/s
  const signal = (b: number) => Float64Array.from(truth, (adc, v) => (300 + (v % 17)) * Math.exp(-b * adc * 1e-6));

  it.each([[[0, 800]], [[0, 50, 400, 1000]], [[50, 800]]])('recovers a noise-free monoexponential ADC (b = %j)', (bs) => {
    const map = computeAdc(
      bs.map((b) => ({ bValue: b, data: signal(b) })),
      { backgroundFraction: 0 },
    );
    expect(map.bValues).toEqual(bs);
    expect(map.fitted).toBe(truth.length);
    for (let v = 0; v < truth.length; v++) expect(Math.abs(map.adc[v]! - truth[v]!) / truth[v]!).toBeLessThan(1e-9);
  });

  it('is the least-squares slope of ln S on b with noise (3 b-values, any input order)', () => {
    const bs = [1000, 0, 500];
    let seed = 7;
    const rand = () => ((seed = (seed * 16807) % 2147483647) / 2147483647 - 0.5) * 0.2;
    const images = bs.map((b) => ({ bValue: b, data: Float64Array.from(signal(b), (s) => s * (1 + rand())) }));
    const map = computeAdc(images, { backgroundFraction: 0, maxAdc: 1e6 });
    for (let v = 0; v < truth.length; v += 37) {
      const x = images.map((im) => im.bValue * 1e-6);
      const y = images.map((im) => Math.log(im.data[v]!));
      const mx = x.reduce((a, b) => a + b) / 3;
      const my = y.reduce((a, b) => a + b) / 3;
      const slope = x.reduce((a, xi, i) => a + (xi - mx) * (y[i]! - my), 0) / x.reduce((a, xi) => a + (xi - mx) ** 2, 0);
      expect(Math.abs(map.adc[v]! + slope) / Math.abs(slope)).toBeLessThan(1e-9);
    }
  });

  it('leaves background at 0, clamps, and stores unsigned 16-bit', () => {
    const low = Float64Array.from([0, 1, 1000, 1000, 1000]);
    const high = Float64Array.from([0, 1, 1000, 0, 2000]); // no decay → 0; signal gone → max; rise → clamped to 0
    const map = computeAdc(
      [
        { bValue: 0, data: low },
        { bValue: 1000, data: high },
      ],
      { backgroundFraction: 0.05, maxAdc: 4000 },
    );
    expect(Array.from(map.adc)).toEqual([0, 0, 0, 4000, 0]);
    expect(map.threshold).toBeCloseTo(50, 9);
    expect(adcToStored(Float64Array.from([0.4, 1234.5, 70000]))).toEqual(Uint16Array.from([0, 1235, 65535]));
  });

  it('refuses one b-value, a repeated b-value and images of different sizes', () => {
    const d = new Float64Array(4).fill(1);
    expect(() => computeAdc([{ bValue: 800, data: d }])).toThrow(/at least two different b-values/);
    expect(() =>
      computeAdc([
        { bValue: 0, data: d },
        { bValue: 800, data: d },
        { bValue: 800, data: d },
      ]),
    ).toThrow(/800 s\/mm² is given twice/);
    expect(() =>
      computeAdc([
        { bValue: 0, data: d },
        { bValue: 800, data: new Float64Array(3) },
      ]),
    ).toThrow(/b = 800 image has 3 voxels/);
  });
});

describe('time–intensity curve (Kuhl 1999)', () => {
  it('classifies the delayed change with the ±10 % rule and configurable thresholds', () => {
    expect(classifyTic(10.5)).toBe('I');
    expect(classifyTic(10)).toBe('II');
    expect(classifyTic(-10)).toBe('II');
    expect(classifyTic(-10.5)).toBe('III');
    expect(classifyTic(7, 5, 5)).toBe('I');
    expect(classifyTic(-7, 5, 5)).toBe('III');
  });

  it('takes the early phase as the peak within the window, never the last phase', () => {
    expect(earlyPhaseIndex([0, 60, 120, 180, 360], [100, 180, 200, 190, 150], 120)).toBe(2);
    expect(earlyPhaseIndex([0, 60, 120, 180, 360], [100, 220, 200, 190, 150], 120)).toBe(1);
    expect(earlyPhaseIndex([0, 200, 400], [100, 150, 160], 120)).toBe(1); // nothing that early: first post phase
    expect(earlyPhaseIndex([0, 60, 90], [100, 150, 160], 120)).toBe(1);
  });

  it('computes the mean curve over the mask and the hotspot curve', () => {
    const times = [0, 60, 120, 240, 360];
    // Voxel 0 washes out (III), voxel 1 persists (I), voxel 2 outside the mask.
    const curves = [
      [100, 200, 250, 210, 180],
      [100, 120, 140, 170, 200],
      [999, 0, 0, 0, 0],
    ];
    const phases = times.map((t, p) => ({ timeS: t, data: curves.map((c) => c[p]!) }));
    const mean = timeIntensityCurve(phases, [1, 1, 0]);
    expect(mean.points.map((p) => p.meanSignal)).toEqual([100, 160, 195, 190, 190]);
    expect(mean.earlyIndex).toBe(2);
    expect(mean.initialEnhancementPct).toBeCloseTo(95, 12);
    expect(mean.delayedChangePct).toBeCloseTo((190 / 195 - 1) * 100, 12);
    expect(mean.type).toBe('II');
    const hot = timeIntensityCurve(phases, [1, 1, 0], { hotspotFraction: 0.5 });
    expect(hot.voxels).toBe(1);
    expect(hot.type).toBe('III');
    expect(hot.delayedChangePct).toBeCloseTo((180 / 250 - 1) * 100, 12);
  });

  it('refuses an empty mask, too few phases and a zero baseline', () => {
    const ph = (t: number, v: number) => ({ timeS: t, data: [v, v] });
    expect(() => timeIntensityCurve([ph(0, 1), ph(60, 2), ph(120, 3)], [0, 0])).toThrow(/mask is empty/);
    expect(() => timeIntensityCurve([ph(0, 1), ph(60, 2)], [1, 1])).toThrow(/at least two post-contrast/);
    expect(() => timeIntensityCurve([ph(0, 0), ph(60, 2), ph(120, 3)], [1, 1])).toThrow(/positive baseline/);
  });
});

describe('on demo patients (the generator knows the truth)', () => {
  const patients = Array.from({ length: 6 }, (_, i) => generatePatient(20240601, i));
  const images = patients.map((p, i) => generatePatientImages(20240601, i, p));

  it('reproduces the demo scanner ADC map from its DWI within its rounding', () => {
    for (const im of images) {
      const dwi = im.series.find((s) => s.kind === 'dwi')!;
      const scanner = im.series.find((s) => s.kind === 'adc')!;
      const n = dwi.stored.length / 2;
      const real = (c: number) =>
        Float64Array.from(dwi.stored.subarray(c * n, (c + 1) * n), (x) => x * dwi.rescaleSlope + dwi.rescaleIntercept);
      const map = computeAdc(
        dwi.bValues!.map((b, c) => ({ bValue: b, data: real(c) })),
        { backgroundFraction: 0, maxAdc: 4000 },
      );
      let compared = 0;
      for (let v = 0; v < n; v++) {
        const s = scanner.stored[v]!;
        if (s === 0 || s === 4000) continue; // background or clamped on the scanner
        expect(Math.abs(map.adc[v]! - s)).toBeLessThanOrEqual(1);
        compared++;
      }
      expect(compared).toBeGreaterThan(n / 10);
    }
  });

  it('finds the generator TIC type of the lesions from their reference masks', () => {
    let agree = 0;
    let total = 0;
    for (let i = 0; i < patients.length; i++) {
      const dce = images[i]!.series.find((s) => s.kind === 'dce')!;
      const n = dce.stored.length / dce.components;
      const phases = dce.phaseSeconds!.map((t, c) => ({
        timeS: t,
        data: Float64Array.from(dce.stored.subarray(c * n, (c + 1) * n), (x) => x * dce.rescaleSlope + dce.rescaleIntercept),
      }));
      patients[i]!.lesions.forEach((l, li) => {
        const tic = timeIntensityCurve(phases, images[i]!.lesions[li]!.masks.reference);
        total++;
        if (tic.type === l.ticType) agree++;
      });
    }
    expect(total).toBeGreaterThanOrEqual(6);
    expect(agree / total).toBeGreaterThanOrEqual(0.9);
  });
});
