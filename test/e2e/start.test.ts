import { spawn } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot, tmpDir } from '../helpers/tmp.js';

describe('npm start without the Electron binary', () => {
  it('falls back to browser mode and prints the tokenized URL, which serves the app', async () => {
    const t = tmpDir();
    const child = spawn(process.execPath, [path.join(repoRoot, 'scripts/start.mjs'), '--port', '0'], {
      cwd: repoRoot,
      env: { ...process.env, RADSTUDY_CONFIG_DIR: t.dir },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      let out = '';
      const url = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no URL printed:\n${out}`)), 120_000);
        child.stdout!.on('data', (c: Buffer) => {
          out += c.toString();
          const m = /http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]+/.exec(out);
          if (m) {
            clearTimeout(timer);
            resolve(m[0]);
          }
        });
        child.on('exit', (code) => reject(new Error(`npm start exited (${code}):\n${out}`)));
      });
      expect(out).toContain('browser mode');
      const page = await fetch(url);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('<div id="app"></div>');
      const noToken = await fetch(new URL('/api/health', url));
      expect(noToken.status).toBe(401);
    } finally {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
      t.cleanup();
    }
  });
});
