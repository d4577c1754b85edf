// `npm start`: builds if the sources are newer than the last build, then opens the Electron
// app when the Electron binary is installed, otherwise browser mode (`radstudy serve`).
// Without a study argument it opens the built-in demo study, generating it on the first run
// (`radstudy demo`, about half a minute) in the user's data folder, or at $RADSTUDY_DEMO;
// `--no-demo` starts without a study.
import { spawn, execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const stamp = path.join(root, 'dist/.build-stamp');

function newestMtime(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
    const p = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs);
  }
  return newest;
}

const sources = ['main', 'db', 'renderer'].map((d) => path.join(root, d)).filter(existsSync);
const stale = !existsSync(stamp) || Math.max(...sources.map(newestMtime)) > statSync(stamp).mtimeMs;
if (stale) execFileSync(process.execPath, [path.join(root, 'scripts/build.mjs')], { stdio: 'inherit', cwd: root });

function electronBinary() {
  try {
    // The electron package exports the path of its binary; it throws if the binary is missing.
    const p = createRequire(import.meta.url)('electron');
    return typeof p === 'string' && existsSync(p) ? p : null;
  } catch {
    return null;
  }
}

/** Where the demo study lives: $RADSTUDY_DEMO, else the platform's per-user data folder. */
function demoStudyPath() {
  if (process.env.RADSTUDY_DEMO) return path.resolve(process.env.RADSTUDY_DEMO);
  const data =
    process.platform === 'win32'
      ? path.join(process.env.LOCALAPPDATA ?? process.env.APPDATA ?? os.homedir(), 'RadStudy')
      : process.platform === 'darwin'
        ? path.join(os.homedir(), 'Library', 'Application Support', 'RadStudy')
        : path.join(process.env.XDG_DATA_HOME ?? path.join(os.homedir(), '.local', 'share'), 'radstudy');
  return path.join(data, 'demo', 'demo.radstudy');
}

let args = process.argv.slice(2);
const wantsStudy = args.some((a) => a === '--study' || a === '-s' || a.endsWith('.radstudy'));
if (args.includes('--no-demo')) {
  args = args.filter((a) => a !== '--no-demo');
} else if (!wantsStudy) {
  const demo = demoStudyPath();
  if (!existsSync(demo)) {
    console.log(`First run: creating the demo study at ${demo} (synthetic two-center breast MRI; about half a minute).`);
    const extra = process.env.RADSTUDY_DEMO_PATIENTS ? ['--patients', process.env.RADSTUDY_DEMO_PATIENTS] : [];
    execFileSync(process.execPath, [path.join(root, 'bin/radstudy.js'), 'demo', '--out', demo, ...extra], {
      stdio: 'inherit',
      cwd: root,
    });
  }
  console.log(`Opening the demo study ${demo}`);
  args = ['--study', demo, ...args];
}
const electron = electronBinary();
if (electron && !args.includes('--browser')) {
  // Electron's main process takes the study file as a plain argument.
  const electronArgs = args.filter((a) => a !== '--browser' && a !== '--study' && a !== '-s');
  const child = spawn(electron, [root, ...electronArgs], { stdio: 'inherit' });
  child.on('exit', (code) => process.exit(code ?? 0));
} else {
  if (!electron) console.log('Electron is not installed on this machine: starting RadStudy in browser mode.');
  const serveArgs = ['serve', ...args.filter((a) => a !== '--browser')];
  const child = spawn(process.execPath, [path.join(root, 'bin/radstudy.js'), ...serveArgs], { stdio: 'inherit' });
  const forward = (sig) => child.kill(sig);
  process.on('SIGINT', forward);
  process.on('SIGTERM', forward);
  child.on('exit', (code) => process.exit(code ?? 0));
}
