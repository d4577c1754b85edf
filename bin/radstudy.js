#!/usr/bin/env node
// The `radstudy` command. Runs the compiled CLI; from a source checkout that has not been
// built yet, it says how to build instead of failing with a module error.
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import path from 'node:path';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const cli = path.join(root, 'dist', 'main', 'cli', 'index.js');
if (!existsSync(cli)) {
  process.stderr.write('RadStudy is not built yet. Run `npm run build` (or `npm start`) in ' + root + '\n');
  process.exit(1);
}
const { main } = await import(pathToFileURL(cli).href);
await main(process.argv);
