/** An integer option of a bench mode (at least `min`, 0 unless told), or its default when absent; a bad value names the option. */
export function intOption(value: string | undefined, fallback: number, name: string, min = 0): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) throw new Error(`--${name} must be an integer of at least ${min}, got ${value}`);
  return n;
}
