import { Workbook, type CellValue } from 'exceljs';
import { unpackedSizeProblem } from './zip-entries';

/**
 * An uploaded list as rows of text cells, `rows[i]` being row i + 1 as the uploader sees it. The format is
 * recognised by content, not by name or MIME type: XLSX (a zip) or CSV text in UTF-8 (with or without BOM),
 * UTF-16 with BOM, or GB18030/GBK (what Excel on Chinese Windows writes as "CSV"). `problem` is a Chinese
 * sentence for the uploader when the file cannot be read.
 */
export type ReadTable = { format: 'csv' | 'xlsx'; rows: string[][] } | { problem: string };

/** More data rows than this is not a department's list but a mistake; the byte limit alone lets a zip hold millions. */
export const maxImportRows = 50_000;

const unsupported = '文件不是 CSV 或 XLSX 格式：请上传 Excel 工作簿（.xlsx）或 CSV 文件';
const tooManyRows = `文件超过${maxImportRows}行，请拆分后分批上传`;

/** IMPORT_MAX_BYTES' default: 10 MB. */
export const defaultImportMaxBytes = 10 * 1024 * 1024;

/**
 * How much larger than the upload limit a workbook may grow unpacked: an XLSX's XML compresses about 5–10 times, while
 * a crafted one of a few hundred KB can unpack to gigabytes (one 300 MB shared string took 1.7 GB to load).
 */
export const xlsxExpansionFactor = 10;

export async function readTable(buffer: Buffer, { maxUnpackedBytes = xlsxExpansionFactor * defaultImportMaxBytes } = {}): Promise<ReadTable> {
  if (buffer.length === 0) return { problem: '文件是空的' };
  if (startsWith(buffer, [0x50, 0x4b, 0x03, 0x04])) {
    // Before exceljs sees it: it unpacks every part into memory.
    const problem = unpackedSizeProblem(buffer, maxUnpackedBytes);
    return problem ? { problem } : readXlsx(buffer);
  }
  if (startsWith(buffer, [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1])) {
    return { problem: '不支持旧版 Excel（.xls）文件，请在 Excel 中另存为 .xlsx 或 CSV 后上传' };
  }
  // Text has no NUL characters (bar UTF-16, which starts with its BOM); a binary file (image, Word, PDF) does.
  const utf16 = startsWith(buffer, [0xff, 0xfe]) || startsWith(buffer, [0xfe, 0xff]);
  if ((!utf16 && buffer.includes(0)) || startsWith(buffer, [0x25, 0x50, 0x44, 0x46, 0x2d])) return { problem: unsupported };
  const text = decodeText(buffer);
  if (text === null || text.includes('\u0000')) return { problem: '无法识别文件的文字编码，请另存为“CSV UTF-8（逗号分隔）”后上传' };
  const rows = parseCsv(text);
  if ('problem' in rows) return rows;
  if (rows.length > maxImportRows + 1) return { problem: tooManyRows };
  return { format: 'csv', rows };
}

function startsWith(buffer: Buffer, bytes: number[]): boolean {
  return buffer.length >= bytes.length && bytes.every((b, i) => buffer[i] === b);
}

/** UTF-8 (BOM or not), UTF-16 with BOM, else GB18030 (a superset of GBK and GB2312); null when none fits. */
export function decodeText(buffer: Buffer): string | null {
  const attempt = (encoding: string, bytes: Uint8Array) => {
    try {
      // The decoder drops a leading BOM of its own encoding.
      return new TextDecoder(encoding, { fatal: true }).decode(bytes);
    } catch {
      return null;
    }
  };
  if (startsWith(buffer, [0xef, 0xbb, 0xbf])) return attempt('utf-8', buffer);
  if (startsWith(buffer, [0xff, 0xfe])) return attempt('utf-16le', buffer);
  if (startsWith(buffer, [0xfe, 0xff])) return attempt('utf-16be', buffer);
  return attempt('utf-8', buffer) ?? attempt('gb18030', buffer);
}

/**
 * RFC 4180 CSV: quoted fields may hold commas, doubled quotes and line breaks; lines end in CRLF, LF or CR. The
 * delimiter is a comma, or a tab when the first line has tabs and no commas (Excel's "Unicode text"). One
 * record is one row, as a spreadsheet shows it.
 */
export function parseCsv(text: string): string[][] | { problem: string } {
  const lineEnd = text.search(/[\r\n]/);
  const firstLine = lineEnd < 0 ? text : text.slice(0, lineEnd);
  const delimiter = !firstLine.includes(',') && firstLine.includes('\t') ? '\t' : ',';
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  let quoteOpenedOnRow = 0;
  let i = 0;
  const endField = () => {
    row.push(field);
    field = '';
  };
  const endRow = () => {
    endField();
    rows.push(row);
    row = [];
  };
  while (i < text.length) {
    const c = text[i];
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        quoted = false;
      } else {
        field += c;
      }
      i++;
      continue;
    }
    if (c === '"' && field === '') {
      quoted = true;
      quoteOpenedOnRow = rows.length + 1;
    } else if (c === delimiter) {
      endField();
    } else if (c === '\r' || c === '\n') {
      endRow();
      if (c === '\r' && text[i + 1] === '\n') i++;
    } else {
      field += c;
    }
    i++;
  }
  if (quoted) return { problem: `CSV 文件格式有误：第${quoteOpenedOnRow}行有未闭合的引号` };
  // A last line without a line break still counts; the break after the last line adds no row.
  if (field !== '' || row.length > 0) endRow();
  return rows;
}

async function readXlsx(buffer: Buffer): Promise<ReadTable> {
  const workbook = new Workbook();
  try {
    // exceljs types its input as an ArrayBuffer; a copy of the upload is one.
    await workbook.xlsx.load(Uint8Array.from(buffer).buffer);
  } catch {
    return { problem: '无法读取该 Excel 文件，文件可能已损坏或不是 .xlsx 工作簿；请在 Excel 中打开后另存为 .xlsx 或 CSV 再上传' };
  }
  // The first sheet that has anything on it; a workbook often starts with an empty default sheet.
  const sheet = workbook.worksheets.find((s) => s.actualRowCount > 0);
  if (!sheet) return { problem: 'Excel 文件中没有数据：第一个有内容的工作表第一行应为表头' };
  if (sheet.actualRowCount > maxImportRows + 1) return { problem: tooManyRows };
  const rows: string[][] = [];
  sheet.eachRow({ includeEmpty: false }, (row, rowNumber) => {
    const cells: string[] = [];
    row.eachCell({ includeEmpty: true }, (cell, column) => {
      cells[column - 1] = cellText(cell.value);
    });
    while (rows.length < rowNumber - 1) rows.push([]);
    rows[rowNumber - 1] = Array.from(cells, (c) => c ?? '');
  });
  return { format: 'xlsx', rows };
}

/** A cell as the text the uploader sees: dates as YYYY-MM-DD, formulas by their result, rich text joined. */
export function cellText(value: CellValue): string {
  if (value === null || value === undefined) return '';
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? '' : value.toISOString().slice(0, 10);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (typeof value === 'string') return value;
  if ('richText' in value) return value.richText.map((r) => r.text).join('');
  if ('hyperlink' in value) return String(value.text ?? '');
  if ('result' in value) return cellText(value.result as CellValue);
  if ('formula' in value || 'sharedFormula' in value) return '';
  if ('error' in value) return '';
  return '';
}
