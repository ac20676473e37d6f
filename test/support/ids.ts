import { idNumberCheckCharacter } from '../../src/domain/id-number';

let counter = Math.floor(Math.random() * 1000);
const random = (n: number) => Math.floor(Math.random() * n);

/**
 * A valid 18-character resident ID number, different on every call: region 500234, a real birth date, a correct check
 * character. Birth date drawn at random and the sequence counting on: 20 million numbers (one seed of a thousand
 * steps gave only 21,000, and test files that register hundreds of households met the same number twice).
 */
export function newIdNumber(region = '500234'): string {
  counter = (counter + 1) % 1000;
  const year = 1950 + random(60);
  const month = String(1 + random(12)).padStart(2, '0');
  const day = String(1 + random(28)).padStart(2, '0');
  const sequence = String(counter).padStart(3, '0');
  const first17 = `${region}${year}${month}${day}${sequence}`;
  return first17 + idNumberCheckCharacter(first17);
}
