import { Workbook } from 'exceljs';
import { defaultImportMaxBytes } from '../../src/api/imports/imports-router';
import { cellText, decodeText, parseCsv, readTable, xlsxExpansionFactor } from '../../src/api/imports/read-table';
import { zipEntries } from '../../src/api/imports/zip-entries';
import { loadConfig } from '../../src/config';

/** Reading uploaded lists: in memory, no servers. */

const gbk = (text: string) => {
  // 姓名,身份证号 in GBK, built from known code points so the test needs no encoder.
  const bytes: Record<string, number[]> = { 姓: [0xd0, 0xd5], 名: [0xc3, 0xfb], 张: [0xd5, 0xc5], 三: [0xc8, 0xfd] };
  return Buffer.from([...text].flatMap((c) => bytes[c] ?? [...Buffer.from(c, 'latin1')]));
};

describe('CSV text', () => {
  test('UTF-8 with or without BOM, UTF-16 with BOM, and GBK decode to the same text', () => {
    expect(decodeText(Buffer.from('\uFEFF姓名,张三', 'utf8'))).toBe('姓名,张三');
    expect(decodeText(Buffer.from('姓名,张三', 'utf8'))).toBe('姓名,张三');
    expect(decodeText(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('姓名\t张三', 'utf16le')]))).toBe('姓名\t张三');
    expect(decodeText(gbk('姓名,张三'))).toBe('姓名,张三');
  });

  test('quoted fields keep commas, doubled quotes and line breaks; CRLF, LF and a missing last break all work', () => {
    expect(parseCsv('a,b\r\n"x, y","say ""hi"""\r\n"two\nlines",z')).toEqual([
      ['a', 'b'],
      ['x, y', 'say "hi"'],
      ['two\nlines', 'z'],
    ]);
    expect(parseCsv('a,b\n\n1,2\n')).toEqual([['a', 'b'], [''], ['1', '2']]);
    expect(parseCsv('a\tb\n1\t2')).toEqual([
      ['a', 'b'],
      ['1', '2'],
    ]);
    expect(parseCsv('a,b\n"1,2\n3,4')).toEqual({ problem: 'CSV 文件格式有误：第2行有未闭合的引号' });
  });
});

describe('files', () => {
  test('a CSV is read by content', async () => {
    expect(await readTable(Buffer.from('\uFEFF姓名,金额\r\n张三,100\r\n'))).toEqual({ format: 'csv', rows: [['姓名', '金额'], ['张三', '100']] });
  });

  test('an XLSX is read from its first sheet with content, rows at their own numbers, cells as the user sees them', async () => {
    const workbook = new Workbook();
    workbook.addWorksheet('空白');
    const sheet = workbook.addWorksheet('预警');
    sheet.addRow(['姓名', '日期', '金额', '备注']);
    sheet.addRow(['张三', new Date(Date.UTC(2026, 10, 1)), 1200.5, { richText: [{ text: '大额' }, { text: '医疗' }] }]);
    sheet.getRow(4).values = ['李四', '2026/11/02', { formula: '1+1', result: 2 }, { text: '链接', hyperlink: 'http://x' }];
    const buffer = Buffer.from(await workbook.xlsx.writeBuffer());
    expect(await readTable(buffer)).toEqual({
      format: 'xlsx',
      rows: [['姓名', '日期', '金额', '备注'], ['张三', '2026-11-01', '1200.5', '大额医疗'], [], ['李四', '2026/11/02', '2', '链接']],
    });
  });

  test('what is not a readable CSV or XLSX is a problem, in words the uploader can act on', async () => {
    expect(await readTable(Buffer.alloc(0))).toEqual({ problem: '文件是空的' });
    expect(await readTable(Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0]))).toEqual({ problem: expect.stringContaining('不支持旧版 Excel（.xls）') });
    expect(await readTable(Buffer.from([0x50, 0x4b, 0x03, 0x04, 1, 2, 3, 4]))).toEqual({ problem: expect.stringContaining('无法读取该 Excel 文件') });
    expect(await readTable(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d]))).toEqual({ problem: expect.stringContaining('文件不是 CSV 或 XLSX 格式') });
    expect(await readTable(Buffer.from([0x61, 0x2c, 0x62, 0x0a, 0xff, 0xff, 0xff]))).toEqual({ problem: '无法识别文件的文字编码，请另存为“CSV UTF-8（逗号分隔）”后上传' });
    expect(await readTable(Buffer.from('%PDF-1.7\n...'))).toEqual({ problem: expect.stringContaining('文件不是 CSV 或 XLSX 格式') });
  });

  test('formula cells show their result; errors and empty formulas show nothing', () => {
    expect(cellText({ formula: 'A1', result: { error: '#REF!' } })).toBe('');
    expect(cellText({ formula: 'A1' })).toBe('');
    expect(cellText(true)).toBe('true');
  });
});

test('IMPORT_MAX_BYTES: 10 MB unless set; a bad value is named', () => {
  expect(loadConfig({ APP_MODE: 'demo' }).IMPORT_MAX_BYTES).toBe(10 * 1024 * 1024);
  expect(defaultImportMaxBytes).toBe(10 * 1024 * 1024);
  expect(loadConfig({ APP_MODE: 'demo', IMPORT_MAX_BYTES: '2097152' }).IMPORT_MAX_BYTES).toBe(2 * 1024 * 1024);
  expect(() => loadConfig({ APP_MODE: 'demo', IMPORT_MAX_BYTES: 'ten' })).toThrow(/IMPORT_MAX_BYTES/);
});

describe('XLSX bombs', () => {
  /** A workbook whose one cell is a shared string of `size` characters: a few KB zipped, `size` bytes unpacked. */
  async function bomb(size: number): Promise<Buffer> {
    const workbook = new Workbook();
    const sheet = workbook.addWorksheet('预警');
    sheet.addRow(['姓名', '身份证号']);
    sheet.addRow(['A'.repeat(size), '1']);
    return Buffer.from(await workbook.xlsx.writeBuffer());
  }
  const limit = 1024 * 1024;

  test('a workbook that unpacks beyond the limit is refused before it is parsed, naming the limit and the part', async () => {
    const buffer = await bomb(2 * limit);
    expect(buffer.length).toBeLessThan(100 * 1024);
    const result = await readTable(buffer, { maxUnpackedBytes: limit });
    expect(result).toEqual({ problem: expect.stringMatching(/^Excel 文件解压后超过 1 MB（上传大小上限的10倍；xl\/sharedStrings\.xml 过大）/) });
    // Under the limit the same shape of workbook reads as before.
    expect(await readTable(await bomb(1000), { maxUnpackedBytes: limit })).toMatchObject({ format: 'xlsx', rows: [['姓名', '身份证号'], ['A'.repeat(1000), '1']] });
  });

  test('a central directory that understates the sizes does not help: the parts are inflated within the limit to check', async () => {
    const buffer = await bomb(2 * limit);
    const entries = zipEntries(buffer)!;
    expect(entries.find((e) => e.name === 'xl/sharedStrings.xml')!.uncompressedSize).toBeGreaterThan(2 * limit);
    // Every declared uncompressed size rewritten to 10 bytes, in the central directory and the local headers.
    for (let i = 0; i + 4 <= buffer.length; i++) {
      if (buffer.readUInt32LE(i) === 0x02014b50) buffer.writeUInt32LE(10, i + 24);
      if (buffer.readUInt32LE(i) === 0x04034b50) buffer.writeUInt32LE(10, i + 22);
    }
    expect(zipEntries(buffer)!.every((e) => e.uncompressedSize === 10)).toBe(true);
    expect(await readTable(buffer, { maxUnpackedBytes: limit })).toEqual({ problem: expect.stringContaining('xl/sharedStrings.xml 过大') });
  });

  test('the import limit is ten times IMPORT_MAX_BYTES by default', () => {
    expect(xlsxExpansionFactor * defaultImportMaxBytes).toBe(100 * 1024 * 1024);
  });
});
