/**
 * Tables to files: one XLSX workbook (a sheet per table, title and footnotes around it), one CSV
 * per table (UTF-8 with BOM so Excel opens the dashes and ± right), and a DOCX in journal layout:
 * three-line tables (rule above the header, below the header, below the last row; no vertical
 * lines), 9-pt Arial-metric text, footnotes under each table.
 */
import ExcelJS from 'exceljs';
import { AlignmentType, BorderStyle, Document, Packer, Paragraph, Table, TableCell, TableRow, TextRun, WidthType } from 'docx';
import type { ReportTable } from './tables.js';

export async function tablesToXlsx(tables: readonly ReportTable[]): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'RadStudy';
  for (const t of tables) {
    const ws = wb.addWorksheet(t.id.slice(0, 31));
    ws.addRow([t.title]).font = { bold: true };
    const head = ws.addRow(t.columns);
    head.font = { bold: true };
    head.eachCell((c) => (c.border = { top: { style: 'medium' }, bottom: { style: 'thin' } }));
    for (const r of t.rows) ws.addRow(r);
    ws.getRow(ws.rowCount).eachCell({ includeEmpty: true }, (c) => (c.border = { bottom: { style: 'medium' } }));
    for (const n of t.notes) ws.addRow([n]).font = { italic: true, size: 9 };
    t.columns.forEach((_, j) => {
      const width = Math.max(t.columns[j]!.length, ...t.rows.map((r) => (r[j] ?? '').length));
      ws.getColumn(j + 1).width = Math.min(60, width + 2);
    });
  }
  return Buffer.from(await wb.xlsx.writeBuffer());
}

const csvCell = (v: string): string => (/[",\n;]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);

export function tableToCsv(t: ReportTable): string {
  return '\uFEFF' + [t.columns, ...t.rows].map((r) => r.map(csvCell).join(',')).join('\r\n') + '\r\n';
}

const NONE = { style: BorderStyle.NONE, size: 0, color: 'FFFFFF' };
const RULE = { style: BorderStyle.SINGLE, size: 8, color: '000000' };
const THIN = { style: BorderStyle.SINGLE, size: 4, color: '000000' };
const FONT = 'Arial';

function cell(text: string, opts: { bold?: boolean; top?: boolean; bottom?: 'rule' | 'thin'; first?: boolean }): TableCell {
  return new TableCell({
    children: [
      new Paragraph({
        alignment: opts.first ? AlignmentType.LEFT : AlignmentType.CENTER,
        children: [new TextRun({ text, bold: opts.bold ?? false, font: FONT, size: 18 })],
      }),
    ],
    borders: {
      top: opts.top ? RULE : NONE,
      bottom: opts.bottom === 'rule' ? RULE : opts.bottom === 'thin' ? THIN : NONE,
      left: NONE,
      right: NONE,
    },
  });
}

function docxTable(t: ReportTable): (Paragraph | Table)[] {
  const last = t.rows.length - 1;
  const table = new Table({
    width: { size: 100, type: WidthType.PERCENTAGE },
    borders: { top: NONE, bottom: NONE, left: NONE, right: NONE, insideHorizontal: NONE, insideVertical: NONE },
    rows: [
      new TableRow({
        tableHeader: true,
        children: t.columns.map((c, j) => cell(c, { bold: true, top: true, bottom: 'thin', first: j === 0 })),
      }),
      ...t.rows.map(
        (r, i) =>
          new TableRow({
            children: t.columns.map((_, j) =>
              cell(r[j] ?? '', { first: j === 0, ...(i === last ? { bottom: 'rule' as const } : {}) }),
            ),
          }),
      ),
    ],
  });
  return [
    new Paragraph({
      spacing: { before: 240, after: 120 },
      children: [new TextRun({ text: t.title, bold: true, font: FONT, size: 20 })],
    }),
    table,
    ...t.notes.map(
      (n) =>
        new Paragraph({ spacing: { before: 60 }, children: [new TextRun({ text: n, italics: true, font: FONT, size: 16 })] }),
    ),
  ];
}

/** A DOCX with the methods paragraph (when given) and every table. */
export async function tablesToDocx(tables: readonly ReportTable[], methods?: string): Promise<Buffer> {
  const children: (Paragraph | Table)[] = [];
  if (methods) {
    children.push(new Paragraph({ children: [new TextRun({ text: 'Methods', bold: true, font: FONT, size: 22 })] }));
    for (const para of methods.split(/\n\n+/))
      children.push(new Paragraph({ spacing: { after: 120 }, children: [new TextRun({ text: para, font: FONT, size: 20 })] }));
  }
  for (const t of tables) children.push(...docxTable(t));
  const doc = new Document({
    creator: 'RadStudy',
    sections: [{ properties: { page: { size: { orientation: 'landscape', width: 16838, height: 11906 } } }, children }],
  });
  return Packer.toBuffer(doc);
}
