import { readFileSync } from 'node:fs';
import { writeFileAtomic } from '../writeAtomic.js';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { AppError } from '../../api/errors.js';
import { ImportMappingSchema, type ImportMapping, type ImportPreview, type VariableDef } from '../../api/cohort.js';
import type { StudyService } from '../study.js';
import { auditCsv, listAudit } from './audit.js';
import { deleteVariable, listMappings, saveMapping, saveVariable } from './dictionary.js';
import { setValue, type SetValueInput } from './edit.js';
import { addExclusion, exclusionFlow, flowSvg, removeExclusion, type ExclusionInput } from './exclusions.js';
import { commitImport, undoLastImport } from './import-commit.js';
import { planImport } from './import-plan.js';
import { suggestMapping } from './mapping.js';
import { listVariables, type StoredVariable } from './repository.js';
import { cohortTable, toCsv } from './table.js';
import { readCsv, type RawTable } from './table-reader.js';
import { readXlsx } from './xlsx-reader.js';

function readBytes(file: string): Uint8Array {
  try {
    return readFileSync(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new AppError('NOT_FOUND', code === 'ENOENT' ? `There is no file ${file}.` : `${file} cannot be read (${code}).`, {
      file,
    });
  }
}

/** Reads a CSV/TSV/TXT or XLSX file into a raw table, by extension. */
export async function readTableFile(
  file: string,
  mapping?: Partial<ImportMapping>,
): Promise<{ table: RawTable; bytes: Uint8Array }> {
  const bytes = readBytes(file);
  const name = path.basename(file);
  const ext = path.extname(file).toLowerCase();
  if (ext === '.xlsx') return { table: await readXlsx(bytes, name, mapping?.sheet), bytes };
  if (ext === '.xls')
    throw new AppError('VALIDATION', `${name} is an old-format Excel file (.xls); save it as .xlsx or CSV.`, { file });
  if (!['.csv', '.tsv', '.txt'].includes(ext))
    throw new AppError('VALIDATION', `${name}: import reads .csv, .tsv, .txt or .xlsx files.`, { file });
  return {
    table: readCsv(bytes, name, {
      ...(mapping?.delimiter ? { delimiter: mapping.delimiter } : ext === '.tsv' ? { delimiter: '\t' as const } : {}),
      ...(mapping?.encoding ? { encoding: mapping.encoding } : {}),
    }),
    bytes,
  };
}

/** Cohort use cases over the open study. */
export class CohortService {
  constructor(private readonly study: StudyService) {}

  private db(write = false) {
    const h = this.study.requireHandle();
    if (write && h.readOnly)
      throw new AppError(
        'STUDY_READ_ONLY',
        `The study is open read-only (${h.readOnlyReason ?? 'read-only'}); the cohort cannot be changed.`,
      );
    return h.db;
  }

  dictionary(): StoredVariable[] {
    return listVariables(this.db());
  }

  /** Reads the header and a sample, honouring the user's delimiter, encoding and sheet when given. */
  async inspect(
    file: string,
    overrides: Pick<ImportMapping, 'delimiter' | 'encoding' | 'sheet'> = {},
  ): Promise<{ header: string[]; sample: string[][]; rows: number; suggested: ImportMapping; detected: RawTable['detected'] }> {
    const { table } = await readTableFile(file, overrides);
    return {
      header: table.header,
      sample: table.rows
        .slice(0, 20)
        .map((r) => r.cells.map((c) => (c instanceof Date ? c.toISOString().slice(0, 10) : String(c ?? '')))),
      rows: table.rows.length,
      suggested: {
        ...suggestMapping(table.header, this.dictionary()),
        ...(overrides.delimiter ? { delimiter: overrides.delimiter } : {}),
        ...(overrides.encoding ? { encoding: overrides.encoding } : {}),
        ...(overrides.sheet ? { sheet: overrides.sheet } : {}),
      },
      detected: table.detected,
    };
  }

  async resolveMapping(file: string, mapping?: unknown): Promise<ImportMapping> {
    if (mapping === undefined) return (await this.inspect(file)).suggested;
    const parsed = ImportMappingSchema.safeParse(mapping);
    if (!parsed.success) {
      const i = parsed.error.issues[0]!;
      throw new AppError('VALIDATION', `The column mapping is not valid at ${i.path.join('.') || '(mapping)'}: ${i.message}.`, {
        issues: parsed.error.issues,
      });
    }
    return parsed.data;
  }

  async preview(file: string, mappingIn?: unknown): Promise<ImportPreview> {
    const mapping = await this.resolveMapping(file, mappingIn);
    const { table } = await readTableFile(file, mapping);
    return planImport(this.db(), table, mapping).preview;
  }

  async commit(file: string, mappingIn: unknown, actor = 'coordinator'): Promise<{ batchId: number; preview: ImportPreview }> {
    const db = this.db(true);
    const mapping = await this.resolveMapping(file, mappingIn);
    const { table, bytes } = await readTableFile(file, mapping);
    return commitImport(db, planImport(db, table, mapping), { name: path.basename(file), bytes }, mapping, actor);
  }

  undoLastImport(actor = 'coordinator') {
    return undoLastImport(this.db(true), actor);
  }

  table(includeIdentifiers = false) {
    return cohortTable(this.db(), { includeIdentifiers });
  }

  /** Exports the cohort table to .csv or .xlsx (identifier variables left out unless asked). */
  async export(out: string, includeIdentifiers = false): Promise<{ path: string; rows: number; columns: number }> {
    const table = this.table(includeIdentifiers);
    const ext = path.extname(out).toLowerCase();
    if (ext === '.csv') {
      writeFileAtomic(out, '\uFEFF' + toCsv(table));
    } else if (ext === '.xlsx') {
      const wb = new ExcelJS.Workbook();
      wb.creator = 'RadStudy';
      const ws = wb.addWorksheet('Cohort');
      ws.addRow(table.columns.map((c) => c.key));
      for (const r of table.rows) ws.addRow(r);
      ws.views = [{ state: 'frozen', ySplit: 1, xSplit: 3 }];
      writeFileAtomic(out, new Uint8Array(await wb.xlsx.writeBuffer()));
    } else {
      throw new AppError('VALIDATION', `Export writes .csv or .xlsx files (got ${path.basename(out)}).`);
    }
    return { path: out, rows: table.rows.length, columns: table.columns.length };
  }

  setValue(input: SetValueInput, actor = 'coordinator') {
    return setValue(this.db(true), input, actor);
  }

  exclusions() {
    return this.db()
      .prepare(
        `SELECT e.id, coalesce(p.code, lp.code) AS patientCode, l.code AS lesionCode, e.reason_code AS reasonCode, r.label AS reasonLabel, e.note, e.created_at AS createdAt
           FROM exclusion e JOIN exclusion_reason r ON r.code = e.reason_code
           LEFT JOIN patient p ON p.id = e.patient_id LEFT JOIN lesion l ON l.id = e.lesion_id LEFT JOIN patient lp ON lp.id = l.patient_id
           ORDER BY r.position, e.id`,
      )
      .all() as {
      id: number;
      patientCode: string;
      lesionCode: string | null;
      reasonCode: string;
      reasonLabel: string;
      note: string | null;
      createdAt: string;
    }[];
  }

  exclude(x: ExclusionInput, actor = 'coordinator') {
    return { id: addExclusion(this.db(true), x, actor) };
  }

  unexclude(id: number, actor = 'coordinator') {
    removeExclusion(this.db(true), id, actor);
    return { removed: true };
  }

  flow() {
    const flow = exclusionFlow(this.db());
    return { ...flow, svg: flowSvg(flow) };
  }

  /** Writes the flow diagram as SVG, or as PNG rendered at 300 dpi. */
  async exportFlow(out: string): Promise<{ path: string }> {
    const svg = flowSvg(exclusionFlow(this.db()));
    const ext = path.extname(out).toLowerCase();
    if (ext === '.svg') writeFileAtomic(out, svg);
    else if (ext === '.png') {
      const { Resvg } = await import('@resvg/resvg-js');
      // SVG user units are CSS pixels (96 per inch): 300 dpi is a zoom of 300/96.
      const png = new Resvg(svg, { fitTo: { mode: 'zoom', value: 300 / 96 }, font: { loadSystemFonts: true } }).render().asPng();
      writeFileAtomic(out, png);
    } else throw new AppError('VALIDATION', `The flow diagram is written as .svg or .png (got ${path.basename(out)}).`);
    return { path: out };
  }

  audit(limit?: number, entity?: string) {
    return listAudit(this.db(), limit, entity);
  }

  exportAudit(out: string) {
    const { csv, rows } = auditCsv(this.db());
    writeFileAtomic(out, '\uFEFF' + csv);
    return { path: out, rows };
  }

  saveVariable(v: VariableDef, actor = 'coordinator') {
    return saveVariable(this.db(true), v, actor);
  }

  deleteVariable(name: string, actor = 'coordinator') {
    return deleteVariable(this.db(true), name, actor);
  }

  mappings() {
    return listMappings(this.db());
  }

  saveMapping(name: string, mapping: ImportMapping) {
    return saveMapping(this.db(true), name, mapping);
  }
}
