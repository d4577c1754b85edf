import ExcelJS from 'exceljs';
import { AppError } from '../../api/errors.js';
import type { RawTable } from './table-reader.js';

function cellValue(v: ExcelJS.CellValue): unknown {
  if (v === null || v === undefined) return null;
  if (v instanceof Date || typeof v !== 'object') return v;
  if ('result' in v) return cellValue((v as ExcelJS.CellFormulaValue).result as ExcelJS.CellValue);
  if ('richText' in v) return (v as ExcelJS.CellRichTextValue).richText.map((r) => r.text).join('');
  if ('text' in v) return (v as ExcelJS.CellHyperlinkValue).text;
  if ('error' in v) return null;
  return String(v);
}

/** Reads the first (or the named) worksheet; the first non-empty row is the header. */
export async function readXlsx(bytes: Uint8Array, fileName: string, sheetName?: string): Promise<RawTable> {
  const wb = new ExcelJS.Workbook();
  try {
    await wb.xlsx.load(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength) as unknown as ArrayBuffer);
  } catch (err) {
    throw new AppError(
      'VALIDATION',
      `${fileName} could not be read as an Excel workbook (.xlsx): ${(err as Error).message}. It may be truncated or in the old .xls format; save it again as .xlsx.`,
      { file: fileName },
    );
  }
  const sheet = sheetName ? wb.getWorksheet(sheetName) : wb.worksheets[0];
  if (!sheet) {
    const names = wb.worksheets.map((w) => w.name).join(', ');
    throw new AppError(
      'VALIDATION',
      `${fileName} has no worksheet ${sheetName ? `named "${sheetName}"` : ''} (sheets: ${names || 'none'}).`,
      {
        file: fileName,
      },
    );
  }
  let header: string[] | null = null;
  const rows: RawTable['rows'] = [];
  sheet.eachRow({ includeEmpty: false }, (row, rowNumber) => {
    const values = (row.values as ExcelJS.CellValue[]).slice(1).map(cellValue);
    if (!header) {
      header = values.map((h) => String(h ?? '').trim());
      return;
    }
    if (values.every((v) => v === null || v === '')) return;
    rows.push({ line: rowNumber, cells: values });
  });
  if (!header) throw new AppError('VALIDATION', `${fileName}: the sheet "${sheet.name}" is empty.`, { file: fileName });
  return { fileName, header, rows, detected: { encoding: 'xlsx', sheet: sheet.name } };
}
