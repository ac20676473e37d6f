import { idNumberCheckCharacter } from '../../src/domain/id-number';

let counter = 0;

/** A valid 18-character resident ID number, different on every call: region 500234, a real birth date, a correct check character. */
export function newIdNumber(region = '500234'): string {
  counter++;
  const seed = (Date.now() + counter * 7919 + Math.floor(Math.random() * 1e6)) % 1e6;
  const year = 1950 + (seed % 60);
  const month = String(1 + (seed % 12)).padStart(2, '0');
  const day = String(1 + (seed % 28)).padStart(2, '0');
  const sequence = String(seed % 1000).padStart(3, '0');
  const first17 = `${region}${year}${month}${day}${sequence}`;
  return first17 + idNumberCheckCharacter(first17);
}
