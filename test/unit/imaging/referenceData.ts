/** Locations of the shared reference data (../shared/reference beside the repository). */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REFERENCE_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../../shared/reference');

export function referencePath(...parts: string[]): string {
  return path.join(REFERENCE_DIR, ...parts);
}

export function readReference(...parts: string[]): Uint8Array {
  return new Uint8Array(readFileSync(referencePath(...parts)));
}

/**
 * One row of a PyRadiomics baseline CSV (rows = featureName, columns = cases), as a map
 * case → cell text. The cells used here (hashes) are never quoted.
 */
export function baselineRow(file: string, featureName: string): Record<string, string> {
  const lines = readFileSync(referencePath('pyradiomics', 'baseline', file), 'utf8').split(/\r?\n/);
  const header = lines[0]!.split(',');
  const line = lines.find((l) => l.startsWith(`${featureName},`));
  if (!line) throw new Error(`${file} has no row ${featureName}`);
  const cells = line.split(',');
  const row: Record<string, string> = {};
  header.forEach((name, c) => (row[name] = cells[c] ?? ''));
  return row;
}
