import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export interface ModuleEntry {
  /** File to start, or (for a worker from TypeScript sources) bootstrap code to eval. */
  file: string;
  execArgv: string[];
  /** True when `file` is a data: URL of an ES module bootstrap (pass it as a URL). */
  evalCode: boolean;
}

/**
 * Resolves a sibling module of the compute host for a new process or thread. From the built
 * app that is the compiled `.js`; from the sources (tests, `tsx`) it is the `.ts` file and the
 * child needs tsx's loader. Node 20 does not apply `--import tsx` to a worker's entry module,
 * so a TypeScript worker starts from a tiny bootstrap that registers tsx first.
 */
export function siblingModule(fromUrl: string, baseName: string, kind: 'process' | 'worker'): ModuleEntry {
  const here = fileURLToPath(fromUrl);
  const isTs = here.endsWith('.ts');
  const file = path.join(path.dirname(here), `${baseName}${isTs ? '.ts' : '.js'}`);
  if (!isTs) return { file, execArgv: [], evalCode: false };
  if (kind === 'process') return { file, execArgv: ['--import', 'tsx'], evalCode: false };
  const tsxApi = import.meta.resolve('tsx/esm/api');
  const code = `import { register } from ${JSON.stringify(tsxApi)}; register(); await import(${JSON.stringify(pathToFileURL(file).href)});`;
  return { file: `data:text/javascript,${encodeURIComponent(code)}`, execArgv: [], evalCode: true };
}
