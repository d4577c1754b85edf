// `npm start`: builds if the sources are newer than the last build, then opens the Electron
// app when the Electron binary is installed, otherwise browser mode (`radstudy serve`).
import { spawn, execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
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

const args = process.argv.slice(2);
const electron = electronBinary();
if (electron && !args.includes('--browser')) {
  const child = spawn(electron, [root, ...args.filter((a) => a !== '--browser')], { stdio: 'inherit' });
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
