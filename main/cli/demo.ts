/**
 * `radstudy demo --out FILE [--patients N] [--seed S]`: generates the synthetic two-center
 * breast-MRI demo (clinical CSV, DICOM, reader masks) beside FILE and creates the study.
 */
import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import path from 'node:path';
import { toApiError } from '../api/errors.js';
import { createDemoStudy, DEMO_DEFAULT_PATIENTS, DEMO_DEFAULT_SEED, DEMO_MAX_PATIENTS } from '../services/demo.js';
import { createServices } from '../services/index.js';

function wholeNumber(min: number, max: number): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min || n > max) throw new InvalidArgumentError(`a whole number from ${min} to ${max}`);
    return n;
  };
}

export function registerDemoCommand(program: Command): void {
  program
    .command('demo')
    .description('generate the synthetic two-center breast-MRI demo study (clinical table, DICOM series, reader masks)')
    .requiredOption('-o, --out <file>', 'study file to create (*.radstudy); the data go to <name>_data/ beside it')
    .option(
      '-n, --patients <n>',
      `number of patients (default ${DEMO_DEFAULT_PATIENTS})`,
      wholeNumber(1, DEMO_MAX_PATIENTS),
      DEMO_DEFAULT_PATIENTS,
    )
    .option(
      '-s, --seed <s>',
      `random seed; the same seed gives the same files (default ${DEMO_DEFAULT_SEED})`,
      wholeNumber(0, 0xffffffff),
      DEMO_DEFAULT_SEED,
    )
    .action(async (opts: { out: string; patients: number; seed: number }) => {
      const services = createServices({ mode: 'test' });
      const started = Date.now();
      const tty = process.stderr.isTTY;
      try {
        const r = await createDemoStudy(services, {
          out: opts.out,
          patients: opts.patients,
          seed: opts.seed,
          onProgress: (done, total) => {
            if (tty) process.stderr.write(`\rGenerating patient ${done}/${total}`);
            else if (done === total || done % 20 === 0) process.stderr.write(`Generated ${done}/${total} patients\n`);
          },
        });
        if (tty) process.stderr.write('\n');
        const median = (x: number[]): number => [...x].sort((a, b) => a - b)[x.length >> 1] ?? NaN;
        process.stdout.write(
          [
            `Study        ${r.studyPath}`,
            `Data         ${path.relative(process.cwd(), r.folder) || r.folder}`,
            `Patients     ${r.patients} (${r.lesions} lesions)`,
            `Files        ${r.files} (${(r.bytes / 1048576).toFixed(1)} MB)`,
            `Reader Dice  reader 1 median ${median(r.diceReader1).toFixed(3)}, reader 2 median ${median(r.diceReader2).toFixed(3)}`,
            `Time         ${((Date.now() - started) / 1000).toFixed(1)} s`,
          ].join('\n') + '\n',
        );
      } catch (e) {
        process.stderr.write(`radstudy demo: ${toApiError(e).message}\n`);
        process.exitCode = 1;
      } finally {
        await services.shutdown();
      }
    });
}
