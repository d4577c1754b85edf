import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { migrationsDir } from './paths.js';

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

const FILE = /^(\d{3})_([a-z0-9_]+)\.sql$/;

/**
 * Numbered migrations `NNN_name.sql`, in order; numbers must be unique and increasing. Gaps are
 * allowed because branches reserve numbers ahead of merging (the viewer's 008 before readers' 007).
 */
export function loadMigrations(dir = migrationsDir()): Migration[] {
  const found: Migration[] = [];
  for (const file of readdirSync(dir)) {
    const m = FILE.exec(file);
    if (!m) continue;
    found.push({ version: Number(m[1]), name: m[2]!, sql: readFileSync(path.join(dir, file), 'utf8') });
  }
  found.sort((a, b) => a.version - b.version);
  found.forEach((mig, i) => {
    const previous = i === 0 ? 0 : found[i - 1]!.version;
    if (mig.version <= previous) {
      throw new Error(`Migration numbering has a duplicate at ${mig.version}_${mig.name}.sql (after ${previous}).`);
    }
  });
  return found;
}

export function latestSchemaVersion(): number {
  const all = loadMigrations();
  return all.length === 0 ? 0 : all[all.length - 1]!.version;
}
