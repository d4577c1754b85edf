/**
 * Which stored study extraction an analysis' feature table came from. An ICC step naming an
 * extraction decides it; otherwise the extraction whose sequence-prefixed feature names
 * (`<sequence>_<feature>`, as extraction.export writes them) cover the most candidate features,
 * the newest on a tie. The sequences are the prefixes of the matched candidates.
 */
import type Database from 'better-sqlite3';
import type { AnalysisResult } from '../../compute/ml/analysis.js';
import { extractionFacts, type ExtractionFacts } from '../../report/extractionFacts.js';

interface Row {
  id: number;
  name: string;
  engine: string;
  params_text: string;
  params_sha256: string;
  feature_names: string | null;
}

export function analysisExtraction(db: Database.Database, r: AnalysisResult): ExtractionFacts | null {
  const rows = db
    .prepare('SELECT id, name, engine, params_text, params_sha256, feature_names FROM extraction ORDER BY id DESC')
    .all() as Row[];
  if (rows.length === 0) return null;
  const candidates = r.features.names;
  const match = (row: Row): { n: number; sequences: string[] } => {
    const names = new Set(row.feature_names ? (JSON.parse(row.feature_names) as string[]) : []);
    const seqs = new Set<string>();
    let n = 0;
    for (const c of candidates) {
      const m = /^([A-Za-z][A-Za-z0-9]*)_(.+)$/.exec(c);
      if (m && names.has(m[2]!)) {
        n++;
        seqs.add(m[1]!);
      }
    }
    return { n, sequences: [...seqs] };
  };
  const icc = r.spec.steps.find((s) => s.step === 'icc' && s.extraction !== undefined);
  const named = icc?.step === 'icc' ? icc.extraction : undefined;
  let chosen: Row | undefined =
    named === undefined ? undefined : rows.find((x) => x.id === Number(named) || x.name === String(named));
  let sequences: string[] = chosen ? match(chosen).sequences : [];
  if (!chosen) {
    let best = 0;
    for (const row of rows) {
      const m = match(row);
      if (m.n > best) {
        best = m.n;
        chosen = row;
        sequences = m.sequences;
      }
    }
  }
  if (!chosen) return null;
  return extractionFacts(
    {
      id: chosen.id,
      name: chosen.name,
      engine: chosen.engine,
      paramsText: chosen.params_text,
      paramsSha256: chosen.params_sha256,
    },
    sequences,
  );
}
