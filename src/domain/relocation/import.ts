import { laborCapacities, type LaborCapacity } from '../monitoring/case';
import { normalizeHeader, parseAlertDate } from '../monitoring/department-alerts';
import { createRelocationSchema, type CreateRelocation } from './schemas';

/** 搬迁户名单导入: a town's or the district's list of relocated households, one row per household, validated row by row. */

export const relocationImportFields = ['headName', 'idNumber', 'phone', 'villageCode', 'memberCount', 'laborCapacity', 'siteCode', 'relocatedAt'] as const;
export type RelocationImportField = (typeof relocationImportFields)[number];

export const relocationImportFieldLabels: Record<RelocationImportField, string> = {
  headName: '户主姓名',
  idNumber: '身份证号',
  phone: '联系电话',
  villageCode: '村（社区）代码',
  memberCount: '家庭人口',
  laborCapacity: '劳动能力',
  siteCode: '安置点代码',
  relocatedAt: '搬迁入住日期',
};

const aliases: Record<RelocationImportField, string[]> = {
  headName: ['户主姓名', '户主', '姓名', 'headName'],
  idNumber: ['身份证号', '身份证号码', '公民身份号码', '证件号码', 'idNumber'],
  phone: ['联系电话', '电话', '手机号', '手机', 'phone'],
  villageCode: ['村(社区)代码', '村社区代码', '村代码', '社区代码', 'villageCode'],
  memberCount: ['家庭人口', '家庭人口数', '人口', 'memberCount'],
  laborCapacity: ['劳动能力', 'laborCapacity'],
  siteCode: ['安置点代码', '安置点编码', 'siteCode'],
  relocatedAt: ['搬迁入住日期', '入住日期', '搬迁日期', 'relocatedAt'],
};
const optional: readonly RelocationImportField[] = ['phone'];
const byHeader = new Map(relocationImportFields.flatMap((f) => aliases[f].map((h) => [normalizeHeader(h), f] as const)));

const laborByName: Record<string, LaborCapacity> = { 有劳动能力: 'full', 弱劳动能力: 'partial', 半劳动能力: 'partial', 部分劳动能力: 'partial', 无劳动能力: 'none', 丧失劳动能力: 'none' };

export interface RejectedRelocationRow {
  row: number;
  field: RelocationImportField;
  message: string;
}

/** At most this many households per upload: each starts a workflow and waits for its read model. */
export const maxRelocationRows = 500;

/** The valid rows (as POST /api/relocations bodies) and the rejections, or why the file as a whole will not do. */
export function parseRelocationTable(
  rows: readonly (readonly string[])[],
  today: string,
  /** The resettlement sites' codes: a row naming another is rejected. */
  siteCodes: ReadonlySet<string>,
): { valid: { row: number; body: CreateRelocation }[]; rejected: RejectedRelocationRow[]; rowCount: number } | { problem: string } {
  const [header = [], ...data] = rows;
  const columns: Partial<Record<RelocationImportField, number>> = {};
  header.forEach((h, i) => {
    const field = byHeader.get(normalizeHeader(h ?? ''));
    if (field && columns[field] === undefined) columns[field] = i;
  });
  const missing = relocationImportFields.filter((f) => !optional.includes(f) && columns[f] === undefined);
  if (missing.length) return { problem: `文件缺少必需的列：${missing.map((f) => relocationImportFieldLabels[f]).join('、')}。第一行应为表头：户主姓名、身份证号、村（社区）代码、家庭人口、劳动能力、安置点代码、搬迁入住日期（可选：联系电话）` };
  const filled = data.map((cells, i) => ({ cells, row: i + 2 })).filter(({ cells }) => cells.some((c) => c?.trim()));
  if (!filled.length) return { problem: '文件中没有数据行' };
  if (filled.length > maxRelocationRows) return { problem: `单次最多导入${maxRelocationRows}户，请拆分后分批上传` };

  const valid: { row: number; body: CreateRelocation }[] = [];
  const rejected: RejectedRelocationRow[] = [];
  const seen = new Set<string>();
  for (const { cells, row } of filled) {
    const cell = (f: RelocationImportField) => (columns[f] === undefined ? '' : (cells[columns[f]!] ?? '').trim());
    const problems: RejectedRelocationRow[] = [];
    const date = parseAlertDate(cell('relocatedAt'), today);
    if ('problem' in date) problems.push({ row, field: 'relocatedAt', message: date.problem.replace('日期', '搬迁入住日期') });
    if (cell('siteCode') && !siteCodes.has(cell('siteCode'))) problems.push({ row, field: 'siteCode', message: '安置点代码不存在，请从安置点列表中选择' });
    const labourText = cell('laborCapacity');
    const laborCapacity = (laborCapacities as readonly string[]).includes(labourText) ? labourText : laborByName[labourText];
    const members = Number(cell('memberCount'));
    const parsed = createRelocationSchema.safeParse({
      household: {
        headName: cell('headName'),
        idNumber: cell('idNumber'),
        ...(cell('phone') && { phone: cell('phone') }),
        villageCode: cell('villageCode'),
        memberCount: cell('memberCount') === '' || Number.isNaN(members) ? cell('memberCount') : members,
        laborCapacity: laborCapacity ?? labourText,
      },
      siteCode: cell('siteCode'),
      relocatedAt: 'date' in date ? date.date : '2000-01-01',
    });
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        const field = String(issue.path.at(-1)) as RelocationImportField;
        if ((field === 'relocatedAt' && 'problem' in date) || problems.some((p) => p.field === field)) continue;
        const message = field === 'laborCapacity' ? '劳动能力应为 有劳动能力、弱劳动能力、无劳动能力（或 full、partial、none）' : issue.message;
        problems.push({ row, field: relocationImportFields.includes(field) ? field : 'idNumber', message });
      }
    }
    if (!problems.length && parsed.success) {
      if (seen.has(parsed.data.household.idNumber)) problems.push({ row, field: 'idNumber', message: '同一文件中该身份证号重复出现，只登记第一行' });
      else seen.add(parsed.data.household.idNumber);
    }
    const order = (f: RelocationImportField) => relocationImportFields.indexOf(f);
    if (problems.length || !parsed.success) rejected.push(...problems.sort((a, b) => order(a.field) - order(b.field)));
    else valid.push({ row, body: parsed.data });
  }
  return { valid, rejected, rowCount: filled.length };
}
