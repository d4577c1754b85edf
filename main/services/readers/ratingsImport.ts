/**
 * Reader-study ratings from a CSV file (one row per reader × lesion × session), for readers who
 * rated on paper or in another tool. Columns (header names, any order, case-insensitive):
 * `reader`, `patient`, `lesion`, `session` (unaided | aided) and `score`. Every row goes through
 * the same checks as a rating entered in the Readers view (ReaderStudyService.rate); unaided rows
 * are stored before aided ones, so a file may hold both sessions of a lesion. The whole file is
 * one transaction: the first bad row aborts the import with its line number and nothing is stored.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { RateRequest } from '../../api/adjudication.js';
import { AppError } from '../../api/errors.js';
import { parseCsvRows } from '../../compute/radiomics/batchCsv.js';
import type { StudyService } from '../study.js';
import type { ReaderStudyService } from './readerStudy.js';

const COLUMNS = ['reader', 'patient', 'lesion', 'session', 'score'] as const;

export interface RatingsImportResult {
  file: string;
  rows: number;
  unaided: number;
  aided: number;
  readers: string[];
}

export function importRatings(
  study: StudyService,
  readerStudy: ReaderStudyService,
  req: { path: string; scale: RateRequest['scale'] },
): RatingsImportResult {
  const file = path.resolve(req.path);
  const name = path.basename(file);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new AppError('NOT_FOUND', `Cannot read the ratings file ${file}; check the path.`);
  }
  const rows = parseCsvRows(text);
  const header = (rows[0]?.cells ?? []).map((c) => c.trim().toLowerCase());
  const missing = COLUMNS.filter((c) => !header.includes(c));
  if (missing.length)
    throw new AppError(
      'VALIDATION',
      `${name}: the header lacks column${missing.length > 1 ? 's' : ''} ${missing.join(', ')} (needed: ${COLUMNS.join(', ')}); nothing was imported.`,
    );
  const col = Object.fromEntries(COLUMNS.map((c) => [c, header.indexOf(c)])) as Record<(typeof COLUMNS)[number], number>;
  const db = study.requireHandle().db;
  const lesionOf = db.prepare('SELECT l.id FROM lesion l JOIN patient p ON p.id = l.patient_id WHERE p.code = ? AND l.code = ?');
  const parsed: { line: number; req: RateRequest }[] = [];
  for (const r of rows.slice(1)) {
    const cell = (c: (typeof COLUMNS)[number]) => (r.cells[col[c]] ?? '').trim();
    const at = `${name} line ${r.line}`;
    const session = cell('session').toLowerCase();
    if (session !== 'unaided' && session !== 'aided')
      throw new AppError('VALIDATION', `${at}: session "${cell('session')}" is not unaided or aided; nothing was imported.`);
    const scoreText = cell('score');
    const score = Number(scoreText);
    if (scoreText === '' || !Number.isFinite(score))
      throw new AppError('VALIDATION', `${at}: score "${scoreText}" is not a number; nothing was imported.`);
    const lesion = lesionOf.get(cell('patient'), cell('lesion')) as { id: number } | undefined;
    if (!lesion)
      throw new AppError(
        'NOT_FOUND',
        `${at}: there is no lesion ${cell('patient')}/${cell('lesion')} in this study; nothing was imported.`,
      );
    parsed.push({ line: r.line, req: { reader: cell('reader'), lesionId: lesion.id, session, scale: req.scale, score } });
  }
  if (parsed.length === 0) throw new AppError('VALIDATION', `${name} has a header but no ratings; nothing was imported.`);
  // Unaided first: an aided rating needs the unaided one of the same lesion.
  const ordered = [...parsed].sort((a, b) => Number(a.req.session === 'aided') - Number(b.req.session === 'aided'));
  db.transaction(() => {
    for (const p of ordered) {
      try {
        readerStudy.rate(p.req);
      } catch (e) {
        if (e instanceof AppError)
          throw new AppError(e.code, `${name} line ${p.line}: ${e.message} Nothing was imported.`, e.details);
        throw e;
      }
    }
  })();
  return {
    file,
    rows: parsed.length,
    unaided: parsed.filter((p) => p.req.session === 'unaided').length,
    aided: parsed.filter((p) => p.req.session === 'aided').length,
    readers: [...new Set(parsed.map((p) => p.req.reader))].sort(),
  };
}
