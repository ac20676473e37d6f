import type { Browser, Page } from 'playwright-core';
import { ensureWebApp } from '../../src/embedded/web-build';
import { beijingQuarter } from '../../src/domain/tasks/calendar';
import { demoVillage } from '../../src/demo/seed';
import { accessibilityViolations, clickUntil, desktop, horizontalOverflow, launchBrowser, newUserContext, overflowingElements, phone, screenshot, signedInPage, signIn } from '../support/browser';
import { newIdNumber } from '../support/ids';
import { startStack, type Stack } from '../support/stack';

/**
 * The pages of the other two processes in Debian's Chromium against the real stack: a relocation case (易地搬迁) whose
 * employment ledger the village fills in by clicks, and a cooperation plan's dashboard (协作帮扶); axe-core on both,
 * screenshots for review (test-results/screenshots).
 */
let stack: Stack;
let browser: Browser;
const problems: string[] = [];
const year = Number(beijingQuarter(Date.now()).slice(0, 4));

beforeAll(async () => {
  ensureWebApp();
  [stack, browser] = await Promise.all([startStack({ webApp: true }), launchBrowser()]);
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

afterEach(() => {
  expect(problems.splice(0)).toEqual([]);
});

const as = async (username: string, method: string, path: string, body?: unknown) => stack.request(method, path, { token: await stack.login(username), body });

async function userPage(username: string, pathname = '/', viewport = desktop) {
  const { context, problems: seen } = await newUserContext(browser, stack.url, viewport);
  const page = await signedInPage(context, username, pathname);
  page.on('close', () => problems.push(...seen));
  return page;
}

/** Screenshots and axe-core in a context that may inject axe (it bypasses the CSP; the clicking contexts keep it). */
async function scan(user: string, pathname: string, ready: string, name: string, viewports = [desktop]): Promise<string[]> {
  const failures: string[] = [];
  for (const viewport of viewports) {
    const { context } = await newUserContext(browser, stack.url, viewport, { bypassCSP: true });
    const page = await context.newPage();
    await signIn(page, user, pathname);
    await page.getByText(ready).first().waitFor();
    await page.waitForTimeout(300);
    const suffix = viewport === phone ? 'phone' : 'desktop';
    await screenshot(page, `${name}-${suffix}`);
    failures.push(...(await accessibilityViolations(page)).map((v) => `${name} (${suffix}): ${v}`));
    if (viewport === phone && (await horizontalOverflow(page)) > 0) failures.push(`${name} (phone) scrolls sideways: ${(await overflowingElements(page)).join('; ')}`);
    await context.close();
  }
  return failures;
}

async function fillDate(page: Page, label: string, date: string) {
  const dialog = page.getByRole('dialog');
  await dialog.getByLabel(label).click();
  await dialog.getByLabel(label).fill(date);
  await dialog.getByLabel(label).press('Enter');
}

test('a village worker records a job on a relocation case by clicks and sees the employment target met', async () => {
  const created = await as('town.reviewer', 'POST', '/api/relocations', {
    household: { headName: '网页搬迁户', idNumber: newIdNumber(), villageCode: demoVillage, memberCount: 4, laborCapacity: 'full', phone: '13900002222' },
    siteCode: 'DJ-JZ-01',
    relocatedAt: '2026-06-01',
  });
  expect(created.status).toBe(201);
  const caseId = created.body.id as string;
  const baseline = { memberCount: 4, laborForceCount: 2, laborCapacity: 'full', skills: ['电焊'], healthStatus: 'GOOD', workWishes: '就近务工', trainingWishes: '电工培训' };
  expect((await as('village.worker', 'POST', `/api/relocations/${caseId}/baseline`, baseline)).status).toBe(201);

  // The inbox links the follow-up visit to the relocation page; the menu leads to the list and the case.
  const page = await userPage('village.worker', '/');
  await page.locator(`a[href="/relocations/${caseId}"]`).first().click();
  await page.getByText('就业台账').waitFor();
  await page.getByRole('menuitem', { name: '易地搬迁' }).click();
  await page.getByRole('link', { name: '网页搬迁户' }).first().click();
  await page.getByText('就业台账').waitFor();
  await page.getByText('139****2222').waitFor(); // masked
  await page.getByText('就业：未达标').waitFor();

  // A missing field is named beside it; then the entry, typed and clicked in.
  await page.getByRole('button', { name: '登记就业' }).click();
  const dialog = page.getByRole('dialog');
  await dialog.getByLabel('用工单位').waitFor();
  await clickUntil(dialog.getByRole('button', { name: '提交' }), dialog.getByText('请填写用工单位'));
  await dialog.getByLabel('就业成员').fill('网页成员');
  await dialog.getByLabel('用工单位').fill('大进镇演示食品厂');
  await dialog.getByLabel('行业').fill('食品加工');
  await dialog.getByLabel('月工资（元）').fill('3200');
  await fillDate(page, '开始日期', '2026-07-01');
  await dialog.getByRole('button', { name: '提交' }).click();
  await dialog.waitFor({ state: 'hidden' });
  await page.getByText('就业：已达标').waitFor();
  await page.getByRole('cell', { name: '大进镇演示食品厂' }).waitFor();

  // A follow-up visit: at risk, its risk types asked for only then.
  await page.getByRole('button', { name: '记录走访' }).click();
  await dialog.getByText('是', { exact: true }).click();
  await dialog.getByLabel('风险类型').click();
  await page.getByTitle('务工就业不稳').click();
  await dialog.getByLabel('人均纯收入（元/年）').fill('8000');
  await dialog.getByLabel('走访记录').fill('务工收入稳定');
  await dialog.getByRole('button', { name: '提交' }).click();
  await dialog.waitFor({ state: 'hidden' });
  const visits = page.locator('.ant-card').filter({ hasText: '走访记录' });
  await visits.getByRole('cell', { name: '务工就业不稳' }).waitFor();
  // At risk: the household is referred into monitoring, and the case links to that case.
  await visits.getByRole('link', { name: '查看监测案件' }).waitFor();
  await page.close();

  const failures = [
    ...(await scan('village.worker', `/relocations/${caseId}`, '就业台账', 'relocation-case', [desktop, phone])),
    ...(await scan('town.reviewer', '/relocations', '共 ', 'relocation-list')),
  ];
  expect(failures).toEqual([]);
}, 180_000);

test('a coordinator opens a cooperation plan dashboard and sees each indicator with its target', async () => {
  const plan = await as('coordinator', 'POST', '/api/cooperation/plans', {
    partnerCode: 'JIANGJIN',
    year,
    agreedAt: `${year}-02-15`,
    targets: [
      { indicator: 'FISCAL_FUNDS', target: 500 },
      { indicator: 'WORKERS_PLACED', target: 200 },
    ],
    tasks: [{ title: '劳务协作专场招聘', category: 'LIVELIHOOD', responsibleUnit: 'COOPERATION_OFFICE', dueDate: `${year}-12-31`, indicators: ['FISCAL_FUNDS', 'WORKERS_PLACED'] }],
  });
  expect(plan.status).toBe(201);
  const planId = plan.body.id as string;

  const page = await userPage('coordinator', '/');
  await page.getByRole('menuitem', { name: '协作帮扶' }).click();
  await page.getByRole('link', { name: `${year}年 江津区` }).click();
  await page.getByText('指标完成情况').waitFor();
  const indicators = page.locator('.ant-card').filter({ hasText: '指标完成情况' });
  await indicators.getByRole('cell', { name: '500 万元' }).waitFor();
  await indicators.getByRole('cell', { name: '200 人' }).waitFor();
  await page.getByRole('cell', { name: '劳务协作专场招聘' }).waitFor();

  // The office files the quarter's report: a malformed period comes back from the API beside its field.
  await page.getByRole('button', { name: '报送季度报告' }).click();
  const dialog = page.getByRole('dialog');
  await dialog.getByLabel('报告期（如 2027Q1）').fill('一季度');
  await dialog.getByLabel('农村劳动力转移就业（人）').fill('65');
  await dialog.getByRole('button', { name: '提交' }).click();
  await dialog.getByText('报告期应写作“2027Q1”（年份加季度）').waitFor();
  await dialog.getByLabel('报告期（如 2027Q1）').fill(beijingQuarter(Date.now()));
  await dialog.getByLabel('说明').fill('组织专场招聘');
  await dialog.getByRole('button', { name: '提交' }).click();
  await page.getByText(/季度报告已报送，待审核/).waitFor();
  await dialog.waitFor({ state: 'hidden' });
  await page.getByRole('cell', { name: '1 份' }).waitFor();
  await page.close();

  const failures = [...(await scan('coordinator', `/cooperation/${planId}`, '指标完成情况', 'cooperation-plan')), ...(await scan('coordinator', '/cooperation', '共 ', 'cooperation-list'))];
  expect(failures).toEqual([]);
}, 180_000);
