/**
 * `radstudy demo --out FILE [--patients N] [--seed S]`: generates the synthetic two-center
 * breast-MRI demo (clinical CSV, DICOM, reader masks) beside FILE and creates the study.
 */
import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { toApiError } from '../api/errors.js';
import { createDemoStudy, DEMO_DEFAULT_PATIENTS, DEMO_READERS, DEMO_DEFAULT_SEED, DEMO_MAX_PATIENTS } from '../services/demo.js';
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
    .description(
      'generate the synthetic two-center breast-MRI demo study and import its clinical table, DICOM series and reader masks',
    )
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
      let phase = '';
      try {
        const r = await createDemoStudy(services, {
          out: opts.out,
          patients: opts.patients,
          seed: opts.seed,
          onProgress: (p) => {
            if (tty) {
              if (p.phase !== phase && phase !== '') process.stderr.write('\n');
              process.stderr.write(`\r${p.message.slice(0, 70).padEnd(70)}`);
            } else if (p.phase !== phase || p.done === p.total || (p.phase === 'files' && p.done % 20 === 0)) {
              process.stderr.write(`${p.message}\n`);
            }
            phase = p.phase;
          },
        });
        if (tty) process.stderr.write('\n');
        const secs = (x: number): string => `${x.toFixed(1)} s`;
        const median = (x: number[]): number => [...x].sort((a, b) => a - b)[x.length >> 1] ?? NaN;
        process.stdout.write(
          [
            `Study        ${r.studyPath}`,
            `Data         ${path.relative(process.cwd(), r.folder) || r.folder}`,
            `Patients     ${r.patients} (${r.lesions} lesions)`,
            `Files        ${r.files} (${(r.bytes / 1048576).toFixed(1)} MB)`,
            `Series       ${r.series} (DICOM PatientID → cohort patient)`,
            `Masks        ${r.segmentations} segmentations (readers ${Object.values(DEMO_READERS).join(', ')}; ${r.resampledSegmentations} resampled onto DWI/ADC)`,
            ...(r.skippedSegmentations.length
              ? [
                  `             ${r.skippedSegmentations.length} left out: the lesion vanishes on the coarser grid (e.g. ${r.skippedSegmentations[0]!.patientCode} ${r.skippedSegmentations[0]!.lesionCode} ${r.skippedSegmentations[0]!.reader} on ${r.skippedSegmentations[0]!.series.join(', ')})`,
                ]
              : []),
            `Reader Dice  reader 1 median ${median(r.diceReader1).toFixed(3)}, reader 2 median ${median(r.diceReader2).toFixed(3)}`,
            `Time         ${secs((Date.now() - started) / 1000)} (files ${secs(r.seconds.files)}, clinical ${secs(r.seconds.clinical)}, images ${secs(r.seconds.images)}, masks ${secs(r.seconds.masks)})`,
            `Study size   ${(studyBytes(r.studyPath) / 1048576).toFixed(1)} MB (the .radstudy file; the data folder is the Files above)`,
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

/** The study file with its write-ahead log (open studies are in WAL mode). */
function studyBytes(file: string): number {
  const wal = `${file}-wal`;
  return statSync(file).size + (existsSync(wal) ? statSync(wal).size : 0);
}
