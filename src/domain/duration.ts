/** ISO 8601 durations as policy settings write them (P3D, PT10S, P1W, P1DT12H). Years and months are refused: their length varies. */
const pattern = /^P(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/;

export function parseDuration(value: string): number | null {
  const m = pattern.exec(value);
  if (!m || value === 'P' || value.endsWith('T')) return null;
  const [, w, d, h, min, s] = m.map((x) => (x === undefined ? 0 : Number(x)));
  return ((((w * 7 + d) * 24 + h) * 60 + min) * 60 + s) * 1000;
}

export function durationMs(value: string): number {
  const ms = parseDuration(value);
  if (ms === null) throw new Error(`Not an ISO 8601 duration: ${value}`);
  return ms;
}
