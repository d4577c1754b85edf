import { describe, expect, it } from 'vitest';
import {
  DEFAULT_SEQUENCE_RULES,
  assignPhases,
  checkRules,
  dicomTimeSeconds,
  recognizeSequence,
} from '../../../main/compute/imaging/sequenceRules.js';
import type { SeriesAttributes, SequenceKind } from '../../../main/compute/imaging/sequenceRules.js';

const mr = (a: SeriesAttributes): SeriesAttributes => ({ modality: 'MR', ...a });

describe('breast-MRI sequence recognition (default rules, synthetic headers)', () => {
  // Vendor series names as scanners write them (Siemens, GE, Philips), with the expected kind.
  const cases: [SeriesAttributes, SequenceKind][] = [
    [mr({ description: 't2_tse_fs_tra' }), 'T2_FS'],
    [mr({ description: 't2_tse_tra' }), 'T2'],
    [mr({ description: 'Ax T2 FSE' }), 'T2'],
    [mr({ description: 'T2W_SPAIR' }), 'T2_FS'],
    [mr({ description: 't2_tirm_tra' }), 'T2_FS'],
    [mr({ description: 'ep2d_diff_b50_800_tra' }), 'DWI'],
    [mr({ description: 'ep2d_diff_b50_800_tra_ADC' }), 'ADC'],
    [mr({ description: 'Ax DWI', bValues: [0, 1000] }), 'DWI'],
    [mr({ description: 'DWI_SENSE' }), 'DWI'],
    [mr({ description: 'dADC' }), 'ADC'],
    [mr({ description: 'Apparent Diffusion Coefficient (mm2/s)' }), 'ADC'],
    [mr({ description: 'ep2d_diff', imageType: 'DERIVED\\PRIMARY\\DIFFUSION\\ADC' }), 'ADC'],
    [mr({ description: 'series 7', bValues: [0, 800] }), 'DWI'],
    [mr({ description: 'fl3d_vibe_dyn' }), 'DCE'],
    [mr({ description: 'Ax VIBRANT MPh' }), 'DCE'],
    [mr({ description: 'eTHRIVE_dyn' }), 'DCE'],
    [mr({ description: 'series 9', temporalPositions: 6 }), 'DCE'],
    [mr({ description: 'Ph1/vibe_dyn_SUB' }), 'SUB'],
    [mr({ description: 'vibe_dyn', imageType: 'DERIVED\\PRIMARY\\M\\ND\\SUB' }), 'SUB'],
    [mr({ description: 'SUB_MOCO_1' }), 'SUB'],
    [mr({ description: 't1_fl3d_tra_nonfs' }), 'T1'],
    [mr({ description: 't1_fl3d_tra', contrastAgent: 'Gadovist' }), 'DCE'],
    [mr({ description: 'localizer' }), 'OTHER'],
    [{ modality: 'CT', description: 't2 lookalike' }, 'OTHER'],
  ];
  it.each(cases)('%o → %s', (attributes, kind) => {
    expect(recognizeSequence(attributes).kind).toBe(kind);
  });

  it('matches the protocol name when the description is generic, and names the rule', () => {
    const r = recognizeSequence(mr({ description: 'Series 3', protocolName: 't2_tse_fs_tra_p2' }));
    expect(r).toEqual({ kind: 'T2_FS', rule: 'fat-suppressed T2 (name)' });
    expect(recognizeSequence(mr({ description: 'Series 3' }))).toEqual({ kind: 'OTHER', rule: null });
  });

  it('an edited rule list wins over the defaults (first match)', () => {
    const rules = [{ name: 'site B T2', kind: 'T2_FS' as const, description: '^Ax T2 FSE$' }, ...DEFAULT_SEQUENCE_RULES];
    expect(recognizeSequence(mr({ description: 'Ax T2 FSE' }), rules)).toEqual({ kind: 'T2_FS', rule: 'site B T2' });
  });

  it('checkRules reports invalid regular expressions and rules without a condition', () => {
    expect(checkRules(DEFAULT_SEQUENCE_RULES)).toEqual([]);
    const problems = checkRules([
      { name: 'bad', kind: 'T1', text: '(' },
      { name: 'empty', kind: 'T2' },
    ]);
    expect(problems[0]).toMatch(/rule 1 "bad": text \/\(\/ is not a valid regular expression/);
    expect(problems[1]).toMatch(/rule 2 "empty" states no condition/);
  });
});

describe('DCE phases (pre-contrast 0, post 1..n)', () => {
  it('orders by acquisition time within a group, whatever the input order', () => {
    const phases = assignPhases([
      { group: 'a', acquisitionTimeS: 600, component: 0 },
      { group: 'a', acquisitionTimeS: 480, component: 0 },
      { group: 'b', acquisitionTimeS: 10, component: 0 },
      { group: 'a', acquisitionTimeS: 540, component: 0 },
    ]);
    expect(phases).toEqual([2, 0, 0, 1]);
  });
  it('falls back to temporal position, then series number, when times are missing', () => {
    expect(
      assignPhases([
        { group: 'a', temporalPosition: 3, component: 2 },
        { group: 'a', temporalPosition: 1, component: 0 },
        { group: 'a', temporalPosition: 2, component: 1 },
      ]),
    ).toEqual([2, 0, 1]);
    expect(
      assignPhases([
        { group: 'a', seriesNumber: 12, component: 0 },
        { group: 'a', seriesNumber: 10, acquisitionTimeS: 5, component: 0 },
      ]),
    ).toEqual([1, 0]);
  });
  it('reads DICOM TM values (reference: PS3.5 Table 6.2-1, TM)', () => {
    expect(dicomTimeSeconds('101500.5')).toBeCloseTo(10 * 3600 + 15 * 60 + 0.5, 9);
    expect(dicomTimeSeconds('10:15:00')).toBe(36900);
    expect(dicomTimeSeconds('garbage')).toBeUndefined();
  });
});
