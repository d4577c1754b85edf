import { spawn } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot, tmpDir } from '../helpers/tmp.js';

describe('npm start without the Electron binary', () => {
  it('creates the demo study on the first run, opens it in browser mode and prints the tokenized URL', async () => {
    const t = tmpDir();
    const demo = path.join(t.dir, 'data', 'demo.radstudy');
    const child = spawn(process.execPath, [path.join(repoRoot, 'scripts/start.mjs'), '--port', '0'], {
      cwd: repoRoot,
      // A small demo keeps the test short; the default size is what users get.
      env: { ...process.env, RADSTUDY_CONFIG_DIR: t.dir, RADSTUDY_DEMO: demo, RADSTUDY_DEMO_PATIENTS: '3' },
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
      expect(out).toContain(`First run: creating the demo study at ${demo}`);
      expect(out).toContain(`Opening the demo study ${demo}`);
      const page = await fetch(url);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('<div id="app"></div>');
      const noToken = await fetch(new URL('/api/health', url));
      expect(noToken.status).toBe(401);
      // The demo study is the one open.
      const token = new URL(url).searchParams.get('token')!;
      const health = (await (
        await fetch(new URL('/api/health', url), { headers: { authorization: `Bearer ${token}` } })
      ).json()) as {
        data?: { studyPath: string };
        studyPath?: string;
      };
      expect(JSON.stringify(health)).toContain(demo);
    } finally {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
      t.cleanup();
    }
  });
});
