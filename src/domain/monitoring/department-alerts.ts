import { departmentLabels, parseDepartment, type Department } from '../departments';
import { idNumberProblem, normalizeIdNumber } from '../id-number';
import { isWithin } from '../jurisdictions';
import { hiddenCharacterMessage, isReadableText } from '../text';
import type { Category, LaborCapacity, RiskType } from './case';
import type { CreateMonitoringCase } from './schemas';

/**
 * 部门筛查预警: a department's list of data-comparison alerts (shared/domain.md, process 1). Pure rules: the
 * header, each row's validation, duplicates, and what each valid row becomes (evidence on an open case or a lead).
 */

export const alertFields = ['name', 'idNumber', 'department', 'trigger', 'amount', 'date', 'villageCode'] as const;
export type AlertField = (typeof alertFields)[number];
/** The village code is needed only for a household the system does not know yet. */
export const requiredAlertFields: readonly AlertField[] = ['name', 'idNumber', 'department', 'trigger', 'amount', 'date'];

/** The column names shown to users: the first header each field accepts. */
export const alertFieldLabels: Record<AlertField, string> = {
  name: '姓名',
  idNumber: '身份证号',
  department: '部门',
  trigger: '预警事由',
  amount: '金额',
  date: '日期',
  villageCode: '村（社区）代码',
};

/** Headers each field accepts, compared after `normalizeHeader` (full-width → half-width, no spaces, `*`, `_`, `-`, lower case). */
const headerAliases: Record<AlertField, string[]> = {
  name: ['姓名', '户主姓名', 'name'],
  idNumber: ['身份证号', '身份证号码', '公民身份号码', '证件号码', 'idnumber'],
  department: ['部门', '预警部门', '数据来源部门', 'department'],
  trigger: ['预警事由', '触发事由', '预警原因', 'trigger'],
  amount: ['金额', '金额(元)', '涉及金额', 'amount'],
  date: ['日期', '预警日期', 'date'],
  villageCode: ['村(社区)代码', '村社区代码', '村代码', '社区代码', 'villagecode'],
};

export function normalizeHeader(value: string): string {
  return value.normalize('NFKC').replace(/[\s*_-]+/g, '').toLowerCase();
}

const fieldByHeader = new Map<string, AlertField>(alertFields.flatMap((f) => headerAliases[f].map((h) => [normalizeHeader(h), f] as [string, AlertField])));

export type AlertColumns = Partial<Record<AlertField, number>>;

/** Which column holds which field, or why the header row will not do. Unknown columns are ignored. */
export function mapAlertHeader(header: readonly string[]): { columns: AlertColumns } | { problem: string } {
  const columns: AlertColumns = {};
  for (let i = 0; i < header.length; i++) {
    const field = fieldByHeader.get(normalizeHeader(header[i] ?? ''));
    if (!field) continue;
    if (columns[field] !== undefined) return { problem: `表头中“${alertFieldLabels[field]}”列出现了两次，请只保留一列` };
    columns[field] = i;
  }
  const missing = requiredAlertFields.filter((f) => columns[f] === undefined);
  if (missing.length) {
    return {
      problem:
        `文件缺少必需的列：${missing.map((f) => alertFieldLabels[f]).join('、')}。` +
        `第一行应为表头：姓名、身份证号、部门、预警事由、金额、日期（可选：村（社区）代码）`,
    };
  }
  return { columns };
}

/** A row that passed validation, normalized. */
export interface DepartmentAlertRow {
  /** The row as the uploader sees it in the file: the header is row 1. */
  row: number;
  name: string;
  idNumber: string;
  department: Department;
  trigger: string;
  /** 元, at most two decimals. */
  amount: number;
  /** YYYY-MM-DD. */
  date: string;
  villageCode: string | null;
}

export interface RejectedAlertRow {
  row: number;
  field: AlertField;
  message: string;
}

/** Today's date in China (UTC+8, no daylight saving), YYYY-MM-DD: alerts may not be dated after it. */
export function chinaDate(now: Date): string {
  return new Date(now.getTime() + 8 * 3_600_000).toISOString().slice(0, 10);
}

const earliestAlertDate = '2000-01-01';

/** YYYY-MM-DD from 2026-11-01, 2026/11/1, 2026.11.01, 20261101 or 2026年11月1日 (a time after it is ignored); or the problem. */
export function parseAlertDate(value: string, today: string): { date: string } | { problem: string } {
  const text = value.trim().replace(/\s+\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?$/, '');
  const m = /^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$/.exec(text) ?? /^(\d{4})(\d{2})(\d{2})$/.exec(text);
  if (!m) return { problem: '日期格式应为 年-月-日，如 2026-11-01' };
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const d = new Date(Date.UTC(year, month - 1, day));
  if (d.getUTCFullYear() !== year || d.getUTCMonth() !== month - 1 || d.getUTCDate() !== day) return { problem: '日期不存在，请核对' };
  const date = `${m[1]}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
  if (date > today) return { problem: '日期不能晚于今天' };
  if (date < earliestAlertDate) return { problem: '日期早于2000年，请核对' };
  return { date };
}

const maxAmount = 1_000_000_000;

/** 元 from 12000, 12,000.50, ￥12000 or 12000元; or the problem. */
export function parseAlertAmount(value: string): { amount: number } | { problem: string } {
  const text = value.normalize('NFKC').replace(/[\s,]/g, '').replace(/^[¥￥]/, '').replace(/元$/, '');
  if (!/^[-+]?(\d+(\.\d*)?|\.\d+)$/.test(text)) return { problem: '金额应为数字（元），如 12000 或 12000.50' };
  const amount = Number(text);
  if (amount < 0) return { problem: '金额不能为负数' };
  if (amount > maxAmount) return { problem: '金额数值过大，请核对' };
  const cents = amount * 100;
  // A spreadsheet's float (1234.5600000001) is still cents; more decimals than that are a mistake.
  if (Math.abs(cents - Math.round(cents)) > 1e-6) return { problem: '金额最多保留两位小数' };
  return { amount: Math.round(cents) / 100 };
}

const departmentChoices = Object.values(departmentLabels).join('、');

/**
 * Validates one data row; each field's problem is reported, so a row may be rejected for several fields. With
 * `ownDepartment`, a row naming another department is rejected: a department sends its own data only.
 */
export function validateAlertRow(
  row: number,
  cells: Partial<Record<AlertField, string>>,
  today: string,
  ownDepartment?: Department,
): { valid: DepartmentAlertRow } | { rejected: RejectedAlertRow[] } {
  const problems: RejectedAlertRow[] = [];
  const problem = (field: AlertField, message: string) => problems.push({ row, field, message });
  const text = (field: AlertField) => (cells[field] ?? '').trim();

  const name = text('name').replace(/\s+/g, ' ');
  if (!name) problem('name', '请填写姓名');
  else if (name.length > 50) problem('name', '姓名不超过50个字');
  else if (!isReadableText(name)) problem('name', hiddenCharacterMessage('姓名'));

  const idText = text('idNumber').replace(/\s+/g, '');
  const idProblem = idText ? idNumberProblem(idText, new Date(`${today}T12:00:00+08:00`)) : '请填写身份证号';
  if (idProblem) problem('idNumber', idProblem);

  const departmentText = text('department');
  const department = departmentText ? parseDepartment(departmentText) : null;
  if (!departmentText) problem('department', '请填写部门');
  else if (!department) problem('department', `部门“${departmentText.slice(0, 20)}”不在行业部门名单中，应为${departmentChoices}之一`);
  else if (ownDepartment && department !== ownDepartment) {
    problem('department', `只能上传本部门（${departmentLabels[ownDepartment]}）的预警数据，此行为${departmentLabels[department]}的数据，请由该部门上传`);
  }

  const trigger = text('trigger').replace(/\s+/g, ' ');
  if (!trigger) problem('trigger', '请填写预警事由');
  else if (trigger.length > 200) problem('trigger', '预警事由不超过200个字');
  else if (!isReadableText(trigger)) problem('trigger', hiddenCharacterMessage('预警事由'));

  const amountText = text('amount');
  const amount = amountText ? parseAlertAmount(amountText) : { problem: '请填写金额（元），没有金额填0' };
  if ('problem' in amount) problem('amount', amount.problem);

  const dateText = text('date');
  const date = dateText ? parseAlertDate(dateText, today) : { problem: '请填写日期' };
  if ('problem' in date) problem('date', date.problem);

  const villageCode = text('villageCode').replace(/\s+/g, '') || null;
  if (villageCode !== null && !/^\d{12}$/.test(villageCode)) problem('villageCode', '村（社区）代码应为12位数字');

  if (problems.length || !department || (ownDepartment && department !== ownDepartment) || 'problem' in amount || 'problem' in date) return { rejected: problems };
  return { valid: { row, name, idNumber: normalizeIdNumber(idText), department, trigger, amount: amount.amount, date: date.date, villageCode } };
}

export type AlertTable = { problem: string } | { rowCount: number; valid: DepartmentAlertRow[]; rejected: RejectedAlertRow[] };

/**
 * A whole list: `rows[i]` is row i + 1 of the file. The first non-blank row is the header; blank rows are skipped
 * but keep their numbers, so a rejected row's number is the one the uploader sees. `problem` when the file as a
 * whole will not do (no header, a missing column, no data).
 */
export function parseDepartmentAlertTable(rows: readonly (readonly string[])[], today: string, ownDepartment?: Department): AlertTable {
  const isBlank = (cells: readonly string[]) => cells.every((c) => !c || !c.trim());
  const headerIndex = rows.findIndex((cells) => !isBlank(cells));
  if (headerIndex < 0) return { problem: '文件是空的：第一行应为表头（姓名、身份证号、部门、预警事由、金额、日期），其后每行一条预警' };
  const header = mapAlertHeader(rows[headerIndex]);
  if ('problem' in header) return header;

  const valid: DepartmentAlertRow[] = [];
  const rejected: RejectedAlertRow[] = [];
  let rowCount = 0;
  for (let i = headerIndex + 1; i < rows.length; i++) {
    if (isBlank(rows[i])) continue;
    rowCount++;
    const cells: Partial<Record<AlertField, string>> = {};
    for (const field of alertFields) {
      const column = header.columns[field];
      if (column !== undefined) cells[field] = rows[i][column] ?? '';
    }
    const result = validateAlertRow(i + 1, cells, today, ownDepartment);
    if ('valid' in result) valid.push(result.valid);
    else rejected.push(...result.rejected);
  }
  if (rowCount === 0) return { problem: '文件中只有表头，没有预警数据行' };
  return { rowCount, valid, rejected };
}

/** The same alert sent again, in this file or another, has the same key: who, which department, when, how much, why. */
export function alertNaturalKey(row: Pick<DepartmentAlertRow, 'idNumber' | 'department' | 'date' | 'amount' | 'trigger'>): string {
  return [row.idNumber, row.department, row.date, row.amount.toFixed(2), row.trigger].join('|');
}

const riskKeywords: [RiskType, RegExp][] = [
  ['ILLNESS', /医疗|医药|住院|门诊|大病|重病|慢病|慢性病|疾病|因病|患病|治疗|手术|医保/],
  ['DISABILITY', /残/],
  ['SCHOOLING', /学|教育/],
  ['DISASTER', /灾|洪|旱|涝|滑坡|泥石流|地震|冰雹|绝收/],
  ['ACCIDENT', /意外|事故|车祸|受伤|伤亡/],
  ['INDUSTRY_FAILURE', /产业|养殖|种植|经营|生意|减产|亏损/],
  ['UNSTABLE_EMPLOYMENT', /失业|务工|就业|失去工作|停工|断薪/],
  ['HOUSING_SAFETY', /住房|危房|房屋/],
  ['DRINKING_WATER', /饮水|供水|水源|吃水/],
];

/** Large unavoidable spending or a sharp income drop: 突发严重困难户 (shared/domain.md, categories). */
const suddenHardship = /支出|费用|自付|花费|骤减|锐减|大幅下降|突发|急难|临时救助/;

/**
 * What a lead from an alert is about: every risk type its trigger names (OTHER when none), and its category —
 * sudden hardship for spending, a sharp drop, a disaster or an accident; unstable escaped for a household that
 * had escaped poverty (脱贫户); marginal otherwise. The home visit confirms or corrects both.
 */
export function classifyAlertTrigger(trigger: string): { category: Category; riskTypes: RiskType[] } {
  const risks = riskKeywords.filter(([, pattern]) => pattern.test(trigger)).map(([risk]) => risk);
  const riskTypes: RiskType[] = risks.length ? risks : ['OTHER'];
  const category: Category =
    suddenHardship.test(trigger) || riskTypes.includes('DISASTER') || riskTypes.includes('ACCIDENT')
      ? 'SUDDEN_HARDSHIP'
      : /脱贫/.test(trigger)
        ? 'UNSTABLE_ESCAPED'
        : 'MARGINAL';
  return { category, riskTypes };
}

/** A household the system knows, with its open case if any. */
export interface KnownHousehold {
  id: string;
  villageCode: string;
  openCaseId: string | null;
}

export interface AlertLead {
  idNumber: string;
  /** null for a household the system does not know yet: the lead registers it. */
  householdId: string | null;
  villageCode: string;
  /** In file order; the first opens the case, the others are evidence on it. */
  rows: DepartmentAlertRow[];
}

export interface AlertPlan {
  /** Already stored (from any file), or earlier in this file. */
  duplicates: DepartmentAlertRow[];
  /** Evidence on a household's open case. */
  evidence: { row: DepartmentAlertRow; householdId: string; caseId: string }[];
  /** One lead per household without an open case. */
  leads: AlertLead[];
  /** Leads past `maxLeads`: left for the same file's next upload. */
  deferred: DepartmentAlertRow[];
  rejected: RejectedAlertRow[];
}

/**
 * What each valid row becomes. A household with an open case gets the alert as evidence; a known household
 * without one gets a lead in its registered village; an unknown household gets a lead in the village its rows
 * name (the first known code), and without one its rows are rejected.
 */
export function planDepartmentAlerts(
  rows: readonly DepartmentAlertRow[],
  lookup: {
    existingKeys: ReadonlySet<string>;
    households: ReadonlyMap<string, KnownHousehold>;
    villages: ReadonlySet<string>;
    /** The uploader's jurisdiction: households and villages outside it are refused. */
    scope: string;
    /** Leads one upload opens at most; each starts a workflow, so their number bounds the request's time. */
    maxLeads: number;
  },
): AlertPlan {
  const plan: AlertPlan = { duplicates: [], evidence: [], leads: [], deferred: [], rejected: [] };
  const seen = new Set<string>();
  const unknown = new Map<string, DepartmentAlertRow[]>();
  const leadByIdNumber = new Map<string, AlertLead>();
  for (const row of rows) {
    const key = alertNaturalKey(row);
    if (lookup.existingKeys.has(key) || seen.has(key)) {
      plan.duplicates.push(row);
      continue;
    }
    seen.add(key);
    const household = lookup.households.get(row.idNumber);
    if (household && !isWithin(household.villageCode, lookup.scope)) {
      plan.rejected.push({ row: row.row, field: 'idNumber', message: '该户不在您的辖区内' });
    } else if (household?.openCaseId) {
      plan.evidence.push({ row, householdId: household.id, caseId: household.openCaseId });
    } else if (household) {
      let lead = leadByIdNumber.get(row.idNumber);
      if (!lead) {
        lead = { idNumber: row.idNumber, householdId: household.id, villageCode: household.villageCode, rows: [] };
        leadByIdNumber.set(row.idNumber, lead);
        plan.leads.push(lead);
      }
      lead.rows.push(row);
    } else if (row.villageCode !== null && !lookup.villages.has(row.villageCode)) {
      plan.rejected.push({ row: row.row, field: 'villageCode', message: '村（社区）代码不存在，请核对' });
    } else if (row.villageCode !== null && !isWithin(row.villageCode, lookup.scope)) {
      plan.rejected.push({ row: row.row, field: 'villageCode', message: '该村（社区）不在您的辖区内' });
    } else {
      unknown.set(row.idNumber, [...(unknown.get(row.idNumber) ?? []), row]);
    }
  }
  for (const [idNumber, householdRows] of unknown) {
    const villageCode = householdRows.find((r) => r.villageCode !== null)?.villageCode;
    if (!villageCode) {
      for (const r of householdRows) {
        plan.rejected.push({ row: r.row, field: 'villageCode', message: '系统中没有此身份证号的农户，请填写村（社区）代码以登记为监测线索' });
      }
      continue;
    }
    plan.leads.push({ idNumber, householdId: null, villageCode, rows: householdRows });
  }
  plan.deferred = plan.leads.splice(lookup.maxLeads).flatMap((lead) => lead.rows);
  plan.rejected.sort((a, b) => a.row - b.row);
  return plan;
}

/** An alert in a line, as the case's timeline and note show it: 民政：大额医疗支出，金额12000.00元，日期2026-11-01. */
export function describeAlert(row: Pick<DepartmentAlertRow, 'department' | 'trigger' | 'amount' | 'date'>): string {
  return `${departmentLabels[row.department]}：${row.trigger}，金额${row.amount.toFixed(2)}元，日期${row.date}`;
}

/** What the system holds about a registered household. */
export interface HouseholdFacts {
  headName: string;
  memberCount: number;
  laborCapacity: LaborCapacity;
  perCapitaIncome: number;
}

/** Placeholders for a household the system meets first in an alert; the note says so, the home visit corrects them. */
export const unknownHouseholdPlaceholders: Omit<HouseholdFacts, 'headName'> = { memberCount: 1, laborCapacity: 'partial', perCapitaIncome: 0 };

/**
 * The intake that opens a lead, as a caseworker's report would: channel DEPARTMENT_ALERT, category and risk
 * types from all its rows' triggers, the household as registered (so opening the case changes none of its
 * data) or, for a new household, the alert's name and placeholders.
 */
export function leadIntake(lead: AlertLead, known: HouseholdFacts | null): CreateMonitoringCase {
  const { category, riskTypes } = classifyAlertTrigger(lead.rows.map((r) => r.trigger).join('；'));
  const facts = known ?? { headName: lead.rows[0].name, ...unknownHouseholdPlaceholders };
  const alerts = lead.rows.slice(0, 5).map(describeAlert);
  const more = lead.rows.length > 5 ? `等${lead.rows.length}条` : '';
  const note = `部门筛查预警（${alerts.join('；')}${more}）` + (known ? '' : '。系统中原无此户，家庭人口、劳动能力和人均纯收入为暂填值，待入户核实');
  return {
    household: { headName: facts.headName, idNumber: lead.idNumber, villageCode: lead.villageCode, memberCount: facts.memberCount, laborCapacity: facts.laborCapacity },
    category,
    channel: 'DEPARTMENT_ALERT',
    riskTypes,
    perCapitaIncome: facts.perCapitaIncome,
    note,
  };
}
