import { parseDuration } from '../../src/domain/duration';

export type DurationUnit = 'D' | 'H' | 'S';
export const unitLabels: Record<DurationUnit, string> = { D: '天', H: '小时', S: '秒' };

/** P3D → {3, 天}; PT36H → {36, 小时}; PT30S (demo settings) → {30, 秒}. */
export function splitDuration(iso: string | undefined): { amount: number; unit: DurationUnit } {
  const ms = iso ? parseDuration(iso) : null;
  if (!ms) return { amount: 1, unit: 'D' };
  if (ms % 86_400_000 === 0) return { amount: ms / 86_400_000, unit: 'D' };
  if (ms % 3_600_000 === 0) return { amount: ms / 3_600_000, unit: 'H' };
  return { amount: Math.round(ms / 1000), unit: 'S' };
}

/** {3, 天} → P3D; {36, 小时} → PT36H; {30, 秒} → PT30S. */
export const joinDuration = ({ amount, unit }: { amount: number; unit: DurationUnit }) => (unit === 'D' ? `P${amount}D` : `PT${amount}${unit}`);

/** P5D → 5天, for reading. */
export function durationText(iso: string | undefined): string {
  if (!iso) return '—';
  const { amount, unit } = splitDuration(iso);
  return `${amount}${unitLabels[unit]}`;
}
