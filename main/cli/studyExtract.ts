/**
 * `radstudy extract --study S [--params P.yaml] [--name N] [--sequences DCE3,T2FS] [--readers R1,R2] [--out F.csv|F.xlsx]`:
 * the study-wide extraction of the Extraction view, headless. It runs the `extraction.run` job
 * as the app does; running the same command again (same --name) resumes it: only missing,
 * failed or changed cases are computed. Exit code 0 when every case succeeded, 1 otherwise.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { ExtractionSummary, Job } from '../api/contract.js';
import { createServices } from '../services/index.js';
import type { ExtractIo } from './extract.js';
import { waitForJob } from './images.js';

export interface StudyExtractOptions {
  study: string;
  params?: string;
  name?: string;
  sequences?: string;
  readers?: string;
  out?: string;
}

const list = (s: string | undefined): string[] =>
  s
    ? s
        .split(',')
        .map((x) => x.trim())
        .filter(Boolean)
    : [];

export async function runStudyExtract(opts: StudyExtractOptions, io: ExtractIo): Promise<number> {
  const services = createServices({ mode: 'test' });
  const fail = (message: string, code = 2): number => {
    io.err(`radstudy extract: ${message}\n`);
    return code;
  };
  try {
    const call = async <T>(method: string, input: unknown): Promise<T> => {
      const r = await services.router.call(method, input);
      if (!r.ok) throw new Error(r.error.message);
      return r.data as T;
    };
    try {
      await call('study.open', { path: path.resolve(opts.study) });
    } catch (e) {
      return fail((e as Error).message);
    }
    const name = opts.name ?? (opts.params ? path.basename(opts.params).replace(/\.ya?ml$/i, '') : 'default parameters');
    const existing = (await call<ExtractionSummary[]>('extraction.list', {})).find((e) => e.name === name);
    let jobId: number;
    let id: number;
    try {
      if (existing) {
        id = existing.id;
        if (existing.status === 'complete') {
          io.err(`radstudy extract: "${name}" is complete (${existing.done} cases); nothing to compute.\n`);
          jobId = -1;
        } else {
          io.err(`radstudy extract: resuming "${name}" (${existing.done} of ${existing.total} cases stored)\n`);
          jobId = (await call<{ jobId: number }>('extraction.run', { id })).jobId;
        }
      } else {
        let paramsText = '';
        if (opts.params) {
          try {
            paramsText = readFileSync(opts.params, 'utf8');
          } catch (e) {
            return fail(`the parameter file ${opts.params} cannot be read (${(e as Error).message})`);
          }
        }
        const r = await call<{ id: number; jobId: number; total: number }>('extraction.create', {
          name,
          paramsText,
          selection: { readers: list(opts.readers), sequences: list(opts.sequences) },
        });
        ({ id, jobId } = r);
        io.err(`radstudy extract: "${name}": ${r.total} segmentations\n`);
      }
    } catch (e) {
      return fail((e as Error).message);
    }
    if (jobId >= 0) {
      let last = '';
      const job: Job = await waitForJob(services, jobId, (j) => {
        if (io.progress && j.message && j.message !== last) {
          last = j.message;
          io.err(`\r${j.message.padEnd(60)}`);
        }
      });
      if (io.progress && last) io.err('\n');
      if (job.status !== 'succeeded')
        return fail(
          `${job.error?.message ?? `the job was ${job.status}`}; finished cases are kept, run the command again to resume`,
          1,
        );
      const r = job.result as { computed: number; failed: number; alreadyDone: number; elapsedMs: number };
      io.err(
        `radstudy extract: ${r.computed} case(s) computed in ${(r.elapsedMs / 1000).toFixed(1)} s, ${r.failed} failed, ${r.alreadyDone} already stored\n`,
      );
    }
    const summary = (await call<ExtractionSummary[]>('extraction.list', {})).find((e) => e.id === id)!;
    if (summary.failed > 0) {
      const table = await call<{ failures: { error: string }[] }>('extraction.table', { id, columnLimit: 1 });
      for (const f of table.failures) io.err(`  ${f.error}\n`);
    }
    if (opts.out) {
      const r = await call<{ path: string; rows: number; columns: number }>('extraction.export', {
        id,
        path: path.resolve(opts.out),
        includeCohort: true,
      });
      io.err(`radstudy extract: wrote ${r.rows} rows × ${r.columns} columns to ${r.path}\n`);
    }
    return summary.failed > 0 ? 1 : 0;
  } finally {
    await services.shutdown();
  }
}
