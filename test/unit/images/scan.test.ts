import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_SEQUENCE_RULES } from '../../../main/compute/imaging/sequenceRules.js';
import { scanDicomFolder } from '../../../main/compute/jobs/dicom-folder.js';
import { tmpDir } from '../../helpers/tmp.js';
import { SERIES, writeSyntheticExam } from './studyFixture.js';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';

let t: ReturnType<typeof tmpDir>;
beforeEach(() => (t = tmpDir()));
afterEach(() => t.cleanup());

describe('DICOM folder scan (synthetic breast-MRI exam, shuffled file names in sub-folders)', () => {
  it('groups, splits DWI per b-value and DCE per phase, recognises kinds and hashes every file', async () => {
    const written = writeSyntheticExam(t.dir);
    const messages: string[] = [];
    const r = await scanDicomFolder(t.dir, { rules: DEFAULT_SEQUENCE_RULES, progress: (_, m) => messages.push(m) });
    expect(r.filesScanned).toBe(written);
    expect(r.skipped).toEqual([]);
    expect(r.failed).toEqual([]);
    const rows = r.series.map((s) => [s.seriesInstanceUid, s.kind, s.bValue, s.phase, s.component, s.files.length]);
    expect(rows).toEqual(
      expect.arrayContaining([
        [SERIES.t2fs, 'T2_FS', null, null, 0, 4],
        [SERIES.dwi, 'DWI', 0, null, 0, 4],
        [SERIES.dwi, 'DWI', 800, null, 1, 4],
        [SERIES.adc, 'ADC', null, null, 0, 4],
        [SERIES.dce, 'DCE', null, 0, 0, 4],
        [SERIES.dce, 'DCE', null, 1, 1, 4],
        [SERIES.dce, 'DCE', null, 2, 2, 4],
      ]),
    );
    expect(r.series.length).toBe(7);
    const t2 = r.series.find((s) => s.seriesInstanceUid === SERIES.t2fs)!;
    expect(t2.geometry.size).toEqual([3, 2, 4]);
    // Spacing from positions (z = 0, 2, 4, 6 mm) and PixelSpacing 0.7\0.7 written by the fixture.
    expect(t2.geometry.spacingMm).toEqual([0.7, 0.7, 2]);
    expect(t2.dicomPatientId).toBe('P001');
    // Reference: node:crypto SHA-256 of the file as written.
    const f = t2.files[0]!;
    expect(f.sha256).toBe(
      createHash('sha256')
        .update(readFileSync(path.join(t.dir, f.path)))
        .digest('hex'),
    );
    expect(messages).toContain(`${written} of ${written} files`);
  });

  it('bad input fails only its series or is skipped, each named', async () => {
    writeSyntheticExam(t.dir, { withBadInput: true });
    const r = await scanDicomFolder(t.dir, { rules: DEFAULT_SEQUENCE_RULES });
    expect(r.skipped).toEqual([{ path: 'notes/README.txt', reason: expect.stringMatching(/not a readable DICOM file/) }]);
    const failed = Object.fromEntries(r.failed.map((f) => [f.seriesInstanceUid, f]));
    expect(failed[SERIES.truncated]!.message).toMatch(/series 1\.2\.826\.0\.1\.5\.6 "t2_tse_tra": trunc\/IM1: .*truncated/);
    expect(failed[SERIES.htj2k]!.message).toMatch(
      /series 1\.2\.826\.0\.1\.5\.7 "htj2k": htj2k\/IM0: transfer syntax 1\.2\.840\.10008\.1\.2\.4\.201 .* is not supported/,
    );
    expect(r.series.some((s) => s.seriesInstanceUid === SERIES.truncated || s.seriesInstanceUid === SERIES.htj2k)).toBe(false);
    const gap = r.series.find((s) => s.seriesInstanceUid === SERIES.gap)!;
    expect(gap.warnings.join(' ')).toMatch(/missing slice\(s\): a gap of 4\.000 mm/);
    expect(r.series.length).toBe(8);
  });

  it('stops when cancelled, and an empty or missing folder is refused', async () => {
    writeSyntheticExam(t.dir);
    const controller = new AbortController();
    controller.abort(new Error('stop'));
    await expect(scanDicomFolder(t.dir, { rules: DEFAULT_SEQUENCE_RULES, signal: controller.signal })).rejects.toThrow('stop');
    await expect(scanDicomFolder(path.join(t.dir, 'nope'), { rules: DEFAULT_SEQUENCE_RULES })).rejects.toThrow(
      /nope: the folder cannot be read/,
    );
  });

  it('series already in the study are reported, not returned again', async () => {
    writeSyntheticExam(t.dir);
    const r = await scanDicomFolder(t.dir, { rules: DEFAULT_SEQUENCE_RULES, existingKeys: new Set([SERIES.adc]) });
    expect(r.alreadyImported).toEqual([SERIES.adc]);
    expect(r.series.length).toBe(6);
  });
});
