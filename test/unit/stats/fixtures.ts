/**
 * Loads the R reference fixtures in test/fixtures/r (written by the committed R scripts there,
 * see its README.md) and offers the relative-error measure the stats tests use.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const FIXTURE_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../fixtures/r');

export function loadFixture<T>(name: string): T {
  return JSON.parse(readFileSync(path.join(FIXTURE_DIR, name), 'utf8')) as T;
}

/** |a − b| / |b|, or |a − b| when b = 0; Infinity when exactly one is non-finite or NaN. */
export function relErr(actual: number, expected: number): number {
  if (Number.isNaN(expected)) return Number.isNaN(actual) ? 0 : Infinity;
  if (!Number.isFinite(expected)) return actual === expected ? 0 : Infinity;
  if (!Number.isFinite(actual)) return Infinity;
  const d = Math.abs(actual - expected);
  return expected === 0 ? d : d / Math.abs(expected);
}

/** Running maximum of relative errors with the worst case kept for the failure message. */
export class ErrorTracker {
  max = 0;
  worst = '';
  /**
   * Record |actual − expected| / max(|expected|, scale). `scale` (default 0: pure relative
   * error) is for quantities whose natural size is known, e.g. a KS distance in [0, 1] that R
   * returns as −7e-17 where the exact value is 0.
   */
  add(actual: number, expected: number, label: string, scale = 0): void {
    const e =
      scale > 0 && Number.isFinite(expected) && Number.isFinite(actual)
        ? Math.abs(actual - expected) / Math.max(Math.abs(expected), scale)
        : relErr(actual, expected);
    if (e > this.max || Number.isNaN(e)) {
      this.max = e;
      this.worst = `${label}: got ${actual}, R ${expected}, rel err ${e}`;
    }
  }
}
