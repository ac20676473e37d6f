import { departmentLabels, departments, type Department } from '../departments';

/** 协作帮扶 reference data and codes: partners, indicators, task categories, responsible units. Pure, no zod. */

/** 协作类型: the kind of partnership (policy sections 十九, 二十, 二十一). */
export const partnerKinds = ['COUNTERPART', 'EAST_WEST', 'CENTRAL_UNIT', 'ENTERPRISE'] as const;
export type PartnerKind = (typeof partnerKinds)[number];
export const partnerKindLabels: Record<PartnerKind, string> = {
  COUNTERPART: '对口协同发展',
  EAST_WEST: '鲁渝协作',
  CENTRAL_UNIT: '中央单位定点帮扶',
  ENTERPRISE: '万企帮万村',
};

/** The partners seeded in every database; a coordinator adds more. */
export const seededPartners: readonly { code: string; name: string; kind: PartnerKind }[] = [
  { code: 'JIANGJIN', name: '江津区', kind: 'COUNTERPART' },
  { code: 'WANSHENG', name: '万盛经开区', kind: 'COUNTERPART' },
  { code: 'SHANDONG_WEIFANG', name: '山东省潍坊市', kind: 'EAST_WEST' },
];

/** The east–west indicators (precedent), seeded; a coordinator defines more. */
export const seededIndicators: readonly { code: string; label: string; unit: string }[] = [
  { code: 'FISCAL_FUNDS', label: '财政援助资金', unit: '万元' },
  { code: 'DONATIONS', label: '社会帮扶资金', unit: '万元' },
  { code: 'CADRES_EXCHANGED', label: '互派挂职干部', unit: '人次' },
  { code: 'TECHNICIANS_EXCHANGED', label: '专业技术人才交流', unit: '人次' },
  { code: 'PARKS', label: '共建产业园区', unit: '个' },
  { code: 'ENTERPRISES', label: '引导落地企业', unit: '个' },
  { code: 'INVESTMENT', label: '实际到位投资', unit: '万元' },
  { code: 'CONSUMPTION', label: '消费帮扶', unit: '万元' },
  { code: 'WORKERS_PLACED', label: '农村劳动力转移就业', unit: '人' },
  { code: 'POOR_WORKERS_PLACED', label: '其中脱贫劳动力', unit: '人' },
];

/** 任务类别: section 十九's three aims, then section 二十's areas. */
export const taskCategories = ['INDUSTRY', 'INFRASTRUCTURE', 'LIVELIHOOD', 'INDUSTRY_COOPERATION', 'LABOUR', 'CONSUMPTION', 'TALENT'] as const;
export type TaskCategory = (typeof taskCategories)[number];
export const taskCategoryLabels: Record<TaskCategory, string> = {
  INDUSTRY: '特色产业',
  INFRASTRUCTURE: '基础设施',
  LIVELIHOOD: '社会民生',
  INDUSTRY_COOPERATION: '产业合作',
  LABOUR: '劳务协作',
  CONSUMPTION: '消费协作',
  TALENT: '人才交流',
};

/** 区协作办: the cooperation office itself, a responsible unit besides the departments. */
export const cooperationOffice = 'COOPERATION_OFFICE';
export const responsibleUnits = [...departments, cooperationOffice] as const;
export type ResponsibleUnit = Department | typeof cooperationOffice;
export function responsibleUnitLabel(unit: string): string {
  return unit === cooperationOffice ? '区协作办' : (departmentLabels[unit as Department] ?? unit);
}

/** Codes of partners and indicators a coordinator adds: upper-case letters, digits and underscores. */
export const referenceCodePattern = /^[A-Z][A-Z0-9_]{1,39}$/;
