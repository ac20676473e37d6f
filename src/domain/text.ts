/**
 * Text people read (names, notes, comments, reasons) holds no invisible characters that change how it reads:
 * format controls (Unicode category Cf: the bidirectional embeddings, overrides and isolates U+202A–U+202E and
 * U+2066–U+2069, zero-width characters, the BOM, soft hyphens, …) and control characters other than tab and line
 * breaks. "张三\u202E" can display as someone else's name, or hide part of a comment.
 */
const hiddenCharacter = /[\p{Cf}\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/u;

/** The first hidden character in `value`, as U+XXXX, or null when there is none. */
export function hiddenCharacterIn(value: string): string | null {
  const match = hiddenCharacter.exec(value);
  return match ? `U+${match[0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}` : null;
}

export const isReadableText = (value: string) => hiddenCharacterIn(value) === null;

/** The 400's message for `field` (户主姓名, 备注, …). */
export const hiddenCharacterMessage = (field: string) => `${field}不能包含不可见的格式控制字符（如 U+202E 文字方向控制符），请删除后重新输入`;
