/**
 * The jurisdiction tree 区 → 乡镇/街道 → 村/社区, encoded in the codes themselves:
 * a 6-digit district, a 9-digit town or street, a 12-digit village or community, each prefixed by its parent.
 */
export type JurisdictionLevel = 'DISTRICT' | 'TOWN' | 'VILLAGE';

const levelByLength: Record<number, JurisdictionLevel> = { 6: 'DISTRICT', 9: 'TOWN', 12: 'VILLAGE' };

export function jurisdictionLevel(code: string): JurisdictionLevel | null {
  return /^\d+$/.test(code) ? (levelByLength[code.length] ?? null) : null;
}

export function parentJurisdiction(code: string): string | null {
  const level = jurisdictionLevel(code);
  if (level === 'VILLAGE') return code.slice(0, 9);
  if (level === 'TOWN') return code.slice(0, 6);
  return null;
}

/** The town (乡镇/街道) a village or town code belongs to. */
export function townOf(code: string): string | null {
  return code.length >= 9 ? code.slice(0, 9) : null;
}

/** True when `code` is `ancestor` or lies inside it. */
export function isWithin(code: string, ancestor: string): boolean {
  return code.startsWith(ancestor);
}
