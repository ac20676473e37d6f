import { inflateRawSync } from 'node:zlib';

/** One file of a zip archive as its central directory lists it. */
export interface ZipEntry {
  name: string;
  /** 0 stored, 8 deflated. */
  method: number;
  compressedSize: number;
  /** As declared; a crafted archive may lie, so unpackedSizeProblem inflates to check. */
  uncompressedSize: number;
  localHeaderOffset: number;
}

const endOfCentralDirectory = 0x06054b50;
const centralFileHeader = 0x02014b50;
const localFileHeader = 0x04034b50;
/** ZIP64 marks sizes and offsets it moved elsewhere with all ones; no workbook within our limits needs it. */
const zip64Marker = 0xffffffff;

/** The central directory's entries; null when the buffer is no zip this reader understands (ZIP64, truncated). */
export function zipEntries(buffer: Buffer): ZipEntry[] | null {
  // The end record is the last 22 bytes, plus a comment of at most 65,535.
  const floor = Math.max(0, buffer.length - 22 - 0xffff);
  let end = -1;
  for (let i = buffer.length - 22; i >= floor; i--) {
    if (buffer.readUInt32LE(i) === endOfCentralDirectory) {
      end = i;
      break;
    }
  }
  if (end < 0) return null;
  const count = buffer.readUInt16LE(end + 10);
  let offset = buffer.readUInt32LE(end + 16);
  if (count === 0xffff || offset === zip64Marker) return null;
  const entries: ZipEntry[] = [];
  for (let n = 0; n < count; n++) {
    if (offset + 46 > buffer.length || buffer.readUInt32LE(offset) !== centralFileHeader) return null;
    const nameLength = buffer.readUInt16LE(offset + 28);
    const extraLength = buffer.readUInt16LE(offset + 30);
    const commentLength = buffer.readUInt16LE(offset + 32);
    entries.push({
      name: buffer.toString('utf8', offset + 46, offset + 46 + nameLength),
      method: buffer.readUInt16LE(offset + 10),
      compressedSize: buffer.readUInt32LE(offset + 20),
      uncompressedSize: buffer.readUInt32LE(offset + 24),
      localHeaderOffset: buffer.readUInt32LE(offset + 42),
    });
    offset += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

const megabytes = (bytes: number) => `${Math.round((bytes / 1024 / 1024) * 10) / 10} MB`;

/**
 * Why a zip (an XLSX workbook) must not be unpacked: its files would take more than `limit` bytes once inflated, as
 * declared or, since a declaration can lie, as found by inflating each within what is left of the limit (memory
 * stays bounded by it). Null when it may be, or when it is no zip this reader understands (the parser then says so).
 */
export function unpackedSizeProblem(buffer: Buffer, limit: number): string | null {
  const entries = zipEntries(buffer);
  if (!entries) return null;
  const tooLarge = (name: string) =>
    `Excel 文件解压后超过 ${megabytes(limit)}（上传大小上限的10倍；${name} 过大），可能含有异常数据；请检查后另存为 .xlsx 或 CSV 再上传`;
  let declared = 0;
  for (const entry of entries) {
    declared += entry.uncompressedSize;
    if (entry.uncompressedSize === zip64Marker || declared > limit) return tooLarge(entry.name);
  }
  let inflated = 0;
  for (const entry of entries) {
    const at = entry.localHeaderOffset;
    if (at + 30 > buffer.length || buffer.readUInt32LE(at) !== localFileHeader) return null;
    const start = at + 30 + buffer.readUInt16LE(at + 26) + buffer.readUInt16LE(at + 28);
    const data = buffer.subarray(start, start + entry.compressedSize);
    if (entry.method === 0) inflated += data.length;
    else if (entry.method === 8) {
      try {
        inflated += inflateRawSync(data, { maxOutputLength: Math.max(1, limit - inflated + 1) }).length;
      } catch (error) {
        // By code, not class: zlib's RangeError is another realm's under jest.
        if ((error as { code?: unknown }).code === 'ERR_BUFFER_TOO_LARGE') return tooLarge(entry.name);
        return null;
      }
    } else return null;
    if (inflated > limit) return tooLarge(entry.name);
  }
  return null;
}
