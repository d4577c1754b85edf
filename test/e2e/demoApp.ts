/**
 * A small demo study served in browser mode with a Chromium page open on it: the set-up the
 * view tests share. `close` stops the browser and the server and removes the folder.
 */
import path from 'node:path';
import { createDemoStudy } from '../../main/services/demo.js';
import { createServices } from '../../main/services/index.js';
import { tmpDir } from '../helpers/tmp.js';
import { openBrowser, serve, type Browser, type Served } from './harness.js';

export interface DemoApp {
  dir: string;
  studyFile: string;
  app: Served;
  browser: Browser;
  close(): Promise<void>;
}

export async function startDemoApp(prefix: string, demo: { patients: number; seed: number }): Promise<DemoApp> {
  const t = tmpDir(prefix);
  const studyFile = path.join(t.dir, 'demo.radstudy');
  const services = createServices({ mode: 'test', configDir: t.dir });
  try {
    await createDemoStudy(services, { out: studyFile, ...demo });
  } finally {
    await services.shutdown();
  }
  const app = await serve(['--study', studyFile, '--port', '0'], { RADSTUDY_CONFIG_DIR: t.dir });
  const browser = await openBrowser();
  return {
    dir: t.dir,
    studyFile,
    app,
    browser,
    async close() {
      await browser.close();
      await app.stop();
      t.cleanup();
    },
  };
}
