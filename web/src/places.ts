import reference from '../../prisma/reference/kaizhou-jurisdictions.json';

/** The district's towns and streets (the reference list the server seeds), for filters and names. */
export const towns = reference.units.map((u) => ({ code: u.code, name: u.name }));
const townNames = new Map(towns.map((t) => [t.code, t.name]));

/** 大进镇 for 500154017; a village code shows its town and its own number: 大进镇 001村. */
export function placeName(code: string | null | undefined): string {
  if (!code) return '—';
  if (code === reference.district.code) return reference.district.name;
  const town = townNames.get(code.slice(0, 9)) ?? code.slice(0, 9);
  return code.length > 9 ? `${town}（村代码 ${code}）` : town;
}
