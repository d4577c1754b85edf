// Builds RadStudy: main process, services, compute and CLI (tsc → dist/), the sandboxed preload
// (esbuild → CommonJS), and the renderer (Vite → dist/renderer). Writes dist/.build-stamp.
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build as esbuild } from 'esbuild';
import { buildNative } from './build-native.mjs';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const bin = (name) => path.join(root, 'node_modules', '.bin', name);
const run = (cmd, args) => execFileSync(cmd, args, { cwd: root, stdio: 'inherit' });

const t0 = Date.now();
run(bin('tsc'), ['-p', 'tsconfig.build.json']);
const nativeKernels = buildNative();
await esbuild({
  entryPoints: [path.join(root, 'main/app/preload.ts')],
  outfile: path.join(root, 'dist/main/app/preload.cjs'),
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  external: ['electron'],
  logLevel: 'warning',
});
run(bin('vite'), ['build', '--config', 'renderer/vite.config.ts', '--logLevel', 'warn']);
mkdirSync(path.join(root, 'dist'), { recursive: true });
writeFileSync(path.join(root, 'dist/.build-stamp'), new Date().toISOString());
console.log(`RadStudy built in ${((Date.now() - t0) / 1000).toFixed(1)} s (native kernels: ${nativeKernels})`);
