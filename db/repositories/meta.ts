import type Database from 'better-sqlite3';

export function readMeta(db: Database.Database): Record<string, string> {
  const rows = db.prepare('SELECT key, value FROM study_meta').all() as { key: string; value: string }[];
  return Object.fromEntries(rows.map((r) => [r.key, r.value]));
}

export function writeMeta(db: Database.Database, key: string, value: string): void {
  db.prepare('INSERT INTO study_meta(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value').run(
    key,
    value,
  );
}
