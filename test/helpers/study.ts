import Database from 'better-sqlite3';
import { randomBytes } from 'node:crypto';

/** Adds `megabytes` of incompressible rows to a study's volume cache (to make copies take time). */
export function padStudy(file: string, megabytes: number): void {
  const db = new Database(file);
  const put = db.prepare('INSERT INTO volume_cache(key, created_at, bytes, sha256, data) VALUES (?, ?, ?, ?, ?)');
  db.transaction(() => {
    for (let i = 0; i < megabytes; i++) {
      const blob = randomBytes(1024 * 1024);
      put.run(`pad-${i}`, new Date().toISOString(), blob.length, 'n/a', blob);
    }
  })();
  db.close();
}
