// Builds the optional native kernels (native/, Node-API C) with node-gyp when they are missing or
// older than their sources. A failure (no compiler, no Node headers) is reported and the build goes
// on: the engine then runs the TypeScript twins (main/compute/radiomics/native.ts), and the twin
// test (test/unit/radiomics/native.test.ts) fails unless RADSTUDY_NATIVE=off says that is intended.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const dir = path.join(root, 'native');
const addon = path.join(dir, 'build', 'Release', 'radstudy_native.node');

export function buildNative() {
  if (process.env.RADSTUDY_NATIVE === 'off') return 'skipped (RADSTUDY_NATIVE=off)';
  const sources = [path.join(dir, 'binding.gyp'), ...readdirSync(path.join(dir, 'src')).map((f) => path.join(dir, 'src', f))];
  const newest = Math.max(...sources.map((f) => statSync(f).mtimeMs));
  if (existsSync(addon) && statSync(addon).mtimeMs >= newest) return 'up to date';
  const args = [path.join(root, 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'), 'rebuild'];
  // Node's own headers when it was installed with them (Debian's nodejs-dev, the official
  // tarballs): node-gyp would otherwise download them, which an offline machine cannot.
  const prefix = path.dirname(path.dirname(process.execPath));
  if (!process.env.npm_config_nodedir && existsSync(path.join(prefix, 'include', 'node', 'node_api.h')))
    args.push(`--nodedir=${prefix}`);
  try {
    execFileSync(process.execPath, args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
    return 'built';
  } catch (e) {
    const why = String(e.stderr ?? e.message)
      .split('\n')
      .filter((l) => /error/i.test(l))
      .slice(0, 5)
      .join('\n');
    console.warn(`Native kernels not built (the TypeScript twins will run):\n${why}`);
    return 'failed';
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url))
  console.log(`native kernels: ${buildNative()}`);
