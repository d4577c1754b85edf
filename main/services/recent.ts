import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { RecentStudy } from '../api/study.js';

const MAX_RECENT = 15;

/** Where RadStudy keeps per-user settings (recent studies). RADSTUDY_CONFIG_DIR overrides it. */
export function defaultConfigDir(): string {
  if (process.env.RADSTUDY_CONFIG_DIR) return process.env.RADSTUDY_CONFIG_DIR;
  if (process.platform === 'win32') return path.join(process.env.APPDATA ?? os.homedir(), 'RadStudy');
  if (process.platform === 'darwin') return path.join(os.homedir(), 'Library', 'Application Support', 'RadStudy');
  return path.join(process.env.XDG_CONFIG_HOME ?? path.join(os.homedir(), '.config'), 'radstudy');
}

/** The recent-studies list, a small JSON file written atomically. */
export class RecentStudies {
  private readonly file: string;

  constructor(configDir = defaultConfigDir()) {
    this.file = path.join(configDir, 'recent.json');
  }

  list(): RecentStudy[] {
    let items: Omit<RecentStudy, 'exists'>[] = [];
    try {
      const parsed = JSON.parse(readFileSync(this.file, 'utf8')) as unknown;
      if (Array.isArray(parsed)) {
        items = parsed.filter(
          (x): x is Omit<RecentStudy, 'exists'> =>
            !!x && typeof x.path === 'string' && typeof x.name === 'string' && typeof x.openedAt === 'string',
        );
      }
    } catch {
      // no list yet, or unreadable: start afresh
    }
    return items.map((x) => ({ ...x, exists: existsSync(x.path) }));
  }

  remember(entry: { path: string; name: string }): void {
    const rest = this.list()
      .filter((x) => x.path !== entry.path)
      .map(({ path: p, name, openedAt }) => ({ path: p, name, openedAt }));
    const next = [{ ...entry, openedAt: new Date().toISOString() }, ...rest].slice(0, MAX_RECENT);
    try {
      mkdirSync(path.dirname(this.file), { recursive: true });
      const tmp = `${this.file}.tmp`;
      writeFileSync(tmp, JSON.stringify(next, null, 2));
      renameSync(tmp, this.file);
    } catch {
      // the list is a convenience: failing to save it must not fail opening a study
    }
  }
}
