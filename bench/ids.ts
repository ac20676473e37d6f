import { idNumberCheckCharacter } from '../src/domain/id-number';

const dayMs = 86_400_000;
const firstBirth = Date.UTC(1950, 0, 1);

/**
 * The n-th valid 18-character ID number of a run, distinct for n < 20 million: region 500234, birth date
 * 1950-01-01 + n/1000 days, sequence n mod 1000, a correct check character. (Random ones collide within a few thousand.)
 */
export function benchIdNumber(n: number): string {
  const birth = new Date(firstBirth + Math.floor(n / 1000) * dayMs);
  const date = `${birth.getUTCFullYear()}${String(birth.getUTCMonth() + 1).padStart(2, '0')}${String(birth.getUTCDate()).padStart(2, '0')}`;
  const first17 = `500234${date}${String(n % 1000).padStart(3, '0')}`;
  return first17 + idNumberCheckCharacter(first17);
}
