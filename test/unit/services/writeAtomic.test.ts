/**
 * Exports appear whole or not at all (main/services/writeAtomic.ts): the target holds the full
 * bytes after a write, no temporary file is left, and a failure names the target file.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writeFileAtomic } from '../../../main/services/writeAtomic.js';
import { tmpDir } from '../../helpers/tmp.js';

const t = tmpDir('radstudy-atomic-');
afterAll(() => t.cleanup());

describe('writeFileAtomic', () => {
  it('replaces the target with the whole content and leaves no temporary file', () => {
    const out = path.join(t.dir, 'cohort.csv');
    writeFileSync(out, 'old');
    writeFileAtomic(out, '\uFEFFa,b\n1,2\n');
    expect(readFileSync(out, 'utf8')).toBe('\uFEFFa,b\n1,2\n');
    writeFileAtomic(out, Uint8Array.from([1, 2, 3]));
    expect([...readFileSync(out)]).toEqual([1, 2, 3]);
    expect(readdirSync(t.dir)).toEqual(['cohort.csv']);
  });

  it('names the target when its folder is missing, and writes nothing', () => {
    const out = path.join(t.dir, 'missing', 'flow.svg');
    expect(() => writeFileAtomic(out, '<svg/>')).toThrow(
      `Cannot write ${out}: the folder ${path.join(t.dir, 'missing')} does not exist; nothing was written.`,
    );
    expect(readdirSync(t.dir)).toEqual(['cohort.csv']);
  });
});
