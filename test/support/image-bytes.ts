/** Small files built byte by byte for the evidence-file tests: a JPEG carrying an EXIF GPS block, a PNG, a PDF. */

const u16 = (n: number) => [(n >> 8) & 0xff, n & 0xff];
const u32 = (n: number) => [(n >>> 24) & 0xff, (n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff];
const ascii = (s: string) => [...Buffer.from(s, 'latin1')];
const segment = (marker: number, payload: number[]) => [0xff, marker, ...u16(payload.length + 2), ...payload];

/** 31°10'20" N, 108°25'30" E (Kaizhou), as a big-endian TIFF: IFD0 → GPS IFD (0x8825) with latitude and longitude. */
export function exifWithGps(): number[] {
  const tiff: number[] = [];
  tiff.push(...ascii('MM'), ...u16(42), ...u32(8));
  // IFD0 at 8: one entry, GPSInfo → the GPS IFD at 26.
  tiff.push(...u16(1), ...u16(0x8825), ...u16(4), ...u32(1), ...u32(26), ...u32(0));
  // GPS IFD at 26: 4 entries (12 bytes each) + next-IFD offset; rationals follow at 26 + 2 + 48 + 4 = 80.
  const rationals = 80;
  tiff.push(...u16(4));
  tiff.push(...u16(1), ...u16(2), ...u32(2), ...ascii('N'), 0, 0, 0); // GPSLatitudeRef
  tiff.push(...u16(2), ...u16(5), ...u32(3), ...u32(rationals)); // GPSLatitude
  tiff.push(...u16(3), ...u16(2), ...u32(2), ...ascii('E'), 0, 0, 0); // GPSLongitudeRef
  tiff.push(...u16(4), ...u16(5), ...u32(3), ...u32(rationals + 24)); // GPSLongitude
  tiff.push(...u32(0));
  for (const v of [31, 10, 20, 108, 25, 30]) tiff.push(...u32(v), ...u32(1));
  return [...ascii('Exif'), 0, 0, ...tiff];
}

/** The bytes of the GPS IFD tag as the TIFF above writes it, to look for in what is stored. */
export const gpsInfoTag = Buffer.from([0x88, 0x25, 0x00, 0x04]);

/**
 * A JPEG's structure: SOI, APP0 (JFIF), APP1 (Exif with GPS, unless `withExif` is false), a quantisation table, a
 * start of scan with some entropy-coded bytes (an FF 00 stuffing and a restart marker among them), EOI. Not a
 * picture anyone could look at, but every segment a reader walks is well formed.
 */
export function jpegWithGps({ withExif = true, extra = 0 }: { withExif?: boolean; extra?: number } = {}): Buffer {
  const bytes = [
    0xff, 0xd8,
    ...segment(0xe0, [...ascii('JFIF'), 0, 1, 1, 0, 0, 1, 0, 1, 0, 0]),
    ...(withExif ? segment(0xe1, exifWithGps()) : []),
    ...segment(0xdb, [0, ...Array.from({ length: 64 }, (_, i) => (i % 16) + 1)]),
    ...segment(0xda, [1, 1, 0, 0, 63, 0]),
    0x12, 0x34, 0xff, 0x00, 0x56, 0xff, 0xd0, 0x78, ...Array.from({ length: extra }, (_, i) => i % 200),
    0xff, 0xd9,
  ];
  return Buffer.from(bytes);
}

/** A PNG's chunk sequence (signature, IHDR, IDAT, IEND), CRCs not checked by anything here. */
export function png(): Buffer {
  const chunk = (type: string, data: number[]) => [...u32(data.length), ...ascii(type), ...data, 0, 0, 0, 0];
  return Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, ...chunk('IHDR', [0, 0, 0, 1, 0, 0, 0, 1, 8, 0, 0, 0, 0]), ...chunk('IDAT', [1, 2, 3]), ...chunk('IEND', [])]);
}

export const pdf = (): Buffer => Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n', 'latin1');
