/** 身份证号: the 18-character resident ID number (GB 11643-1999). Personal data: mask it, never log it. */

const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const checkCodes = '10X98765432';

/** The check character for the first 17 digits. */
export function idNumberCheckCharacter(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * weights[i];
  return checkCodes[sum % 11];
}

/** Why an ID number is invalid, in words a caseworker understands; null when it is valid. `now` dates it, in Beijing time. */
export function idNumberProblem(value: string, now: Date = new Date()): string | null {
  if (!/^\d{17}[\dXx]$/.test(value)) return '身份证号应为18位：前17位数字，最后一位为数字或X';
  const year = Number(value.slice(6, 10));
  const month = Number(value.slice(10, 12));
  const day = Number(value.slice(12, 14));
  const birth = new Date(Date.UTC(year, month - 1, day));
  const validDate =
    year >= 1900 && birth.getUTCFullYear() === year && birth.getUTCMonth() === month - 1 && birth.getUTCDate() === day;
  if (!validDate) return '身份证号中的出生日期无效';
  // Beijing's today (UTC+8): nobody is born after it.
  const today = new Date(now.getTime() + 8 * 3600_000);
  if (birth.getTime() > Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate())) return '身份证号中的出生日期晚于今天，请核对';
  if (idNumberCheckCharacter(value.slice(0, 17)) !== value[17].toUpperCase()) return '身份证号校验码不正确，请核对';
  return null;
}

/** Upper-case X, so one person has one spelling. */
export function normalizeIdNumber(value: string): string {
  return value.toUpperCase();
}

/** 500234********1234: region kept, birth date and sequence hidden. */
export function maskIdNumber(value: string): string {
  if (value.length < 10) return '*'.repeat(value.length);
  return value.slice(0, 6) + '*'.repeat(value.length - 10) + value.slice(-4);
}
