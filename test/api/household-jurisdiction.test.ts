import { hashPassword } from '../../src/api/auth/passwords';
import { demoPassword, demoTown, demoVillage } from '../../src/demo/seed';
import { householdNotHereReason } from '../../src/domain/households';
import { intakeBody } from '../support/intake';
import { newIdNumber } from '../support/ids';
import { startStack, type Stack } from '../support/stack';

/** A household belongs to its village: reports from elsewhere change nothing and learn nothing; a transfer moves it. */

const neighbourTown = '500154018';
const neighbourVillage = `${neighbourTown}001`;
let stack: Stack;

beforeAll(async () => {
  stack = await startStack();
  const passwordHash = await hashPassword(demoPassword);
  for (const [username, role, jurisdictionCode] of [
    ['far.village', 'VILLAGE_CASEWORKER', neighbourVillage],
    ['far.town', 'TOWN_REVIEWER', neighbourTown],
  ] as const) {
    await stack.db.user.create({ data: { username, displayName: '邻镇测试', email: `${username}@demo.assistflow.local`, passwordHash, role, jurisdictionCode } });
  }
}, 120_000);
afterAll(async () => {
  await stack?.stop();
});

async function registered(villageCode: string, phone = '13900002222') {
  const idNumber = newIdNumber();
  const household = await stack.db.household.create({
    data: { idNumber, headName: '原登记户主', phone, villageCode, townCode: villageCode.slice(0, 9), memberCount: 5, laborCapacity: 'none', perCapitaIncome: 3000 },
  });
  return { idNumber, household };
}

const report = async (username: string, idNumber: string, villageCode: string, headName = '外村上报户主') =>
  stack.request('POST', '/api/monitoring-cases', {
    token: await stack.login(username),
    body: intakeBody({ idNumber, villageCode, headName, phone: '13711112222', memberCount: 1, laborCapacity: 'full' }, { perCapitaIncome: 99_999 }),
  });

const refusedReports = async (householdId: string) =>
  stack.db.auditEntry.findMany({ where: { action: 'household.report_refused', targetId: householdId } });

const notHere = { status: 409, body: { error: 'conflict', reason: householdNotHereReason } };

describe('a household registered in another village', () => {
  test('is not changed by a report from elsewhere: refused with a reason that tells nothing, and audited', async () => {
    const { idNumber, household } = await registered(neighbourVillage);
    const res = await report('village.worker', idNumber, demoVillage);
    expect(res).toEqual(notHere);
    expect(await stack.db.household.findUniqueOrThrow({ where: { id: household.id } })).toEqual(household);
    expect(await stack.db.monitoringCase.count({ where: { householdId: household.id } })).toBe(0);
    const [entry] = await refusedReports(household.id);
    const worker = await stack.db.user.findUniqueOrThrow({ where: { username: 'village.worker' } });
    expect(entry).toMatchObject({ actorId: worker.id, targetType: 'Household', after: { villageCode: demoVillage, why: 'registered_elsewhere' } });
  });

  test('within the reporter’s own jurisdiction but in another village: refused too (a transfer moves it)', async () => {
    const { idNumber, household } = await registered(`${demoTown}002`);
    expect(await report('town.reviewer', idNumber, demoVillage)).toEqual(notHere);
    expect(await stack.db.household.findUniqueOrThrow({ where: { id: household.id } })).toEqual(household);
  });

  test('two villages reporting a new household at once: one registers it, the other is refused, nothing overwritten', async () => {
    const idNumber = newIdNumber();
    const [near, far] = await Promise.all([report('village.worker', idNumber, demoVillage, '本村户主'), report('far.village', idNumber, neighbourVillage, '邻镇户主')]);
    expect([near.status, far.status].sort()).toEqual([201, 409]);
    const winner = near.status === 201 ? { villageCode: demoVillage, headName: '本村户主' } : { villageCode: neighbourVillage, headName: '邻镇户主' };
    expect(near.status === 201 ? far : near).toEqual(notHere);
    expect(await stack.db.household.findUniqueOrThrow({ where: { idNumber } })).toMatchObject(winner);
  });

  test('its own village may update its details as before', async () => {
    const { idNumber, household } = await registered(demoVillage);
    const res = await report('village.worker', idNumber, demoVillage, '本村更正户主');
    expect(res.status).toBe(201);
    expect(await stack.db.household.findUniqueOrThrow({ where: { id: household.id } })).toMatchObject({ headName: '本村更正户主', memberCount: 1, phone: '13711112222' });
  });
});

describe('"already open" is no lookup', () => {
  test('outside the caller’s scope the answer is the same as for a household registered elsewhere: no case id, audited', async () => {
    const idNumber = newIdNumber();
    const opened = await report('far.village', idNumber, neighbourVillage, '邻镇户主');
    expect(opened.status).toBe(201);
    const res = await report('village.worker', idNumber, demoVillage);
    expect(res).toEqual(notHere);
    expect(JSON.stringify(res.body)).not.toContain(opened.body.id);
    const [entry] = await refusedReports(opened.body.household.id);
    expect(entry.after).toEqual({ villageCode: demoVillage, why: 'open_case_outside_scope' });
    // Within scope the case is named, as before.
    expect(await report('far.village', idNumber, neighbourVillage)).toEqual({ status: 409, body: { error: 'conflict', reason: expect.any(String), caseId: opened.body.id } });
    expect(await report('far.town', idNumber, neighbourVillage)).toMatchObject({ status: 409, body: { caseId: opened.body.id } });
  });
});

describe('POST /api/households/transfers', () => {
  test('the old town moves a household; both towns see it, audited; then the new village may report it', async () => {
    const { idNumber, household } = await registered(demoVillage);
    const moved = await stack.request('POST', '/api/households/transfers', {
      token: await stack.login('town.reviewer'),
      body: { idNumber, toVillageCode: neighbourVillage, reason: '全户随子女迁居邻镇' },
    });
    expect(moved).toMatchObject({
      status: 201,
      body: { householdId: household.id, from: { villageCode: demoVillage, townCode: demoTown }, to: { villageCode: neighbourVillage, townCode: neighbourTown }, by: 'town.reviewer' },
    });
    expect(moved.body.idNumber).not.toBe(idNumber);
    expect(await stack.db.household.findUniqueOrThrow({ where: { id: household.id } })).toMatchObject({ villageCode: neighbourVillage, townCode: neighbourTown });
    for (const username of ['town.reviewer', 'far.town', 'far.village', 'village.worker', 'district.approver']) {
      const list = await stack.request('GET', '/api/households/transfers', { token: await stack.login(username) });
      expect([username, list.body.items.some((t: { id: string }) => t.id === moved.body.id)]).toEqual([username, true]);
    }
    const entry = await stack.db.auditEntry.findFirstOrThrow({ where: { action: 'household.transfer', targetId: household.id } });
    expect(entry).toMatchObject({ before: { villageCode: demoVillage }, after: { villageCode: neighbourVillage, transferId: moved.body.id } });

    expect(await report('village.worker', idNumber, demoVillage)).toEqual(notHere);
    expect((await report('far.village', idNumber, neighbourVillage)).status).toBe(201);
  });

  test('refusals write nothing: another town 404, a village worker 403, an open case 409, bad input 400 in Chinese', async () => {
    const transfer = async (username: string, body: unknown) => stack.request('POST', '/api/households/transfers', { token: await stack.login(username), body });
    const householdAudit = () => stack.db.auditEntry.count({ where: { action: { startsWith: 'household.' } } });
    const before = { transfers: await stack.db.householdTransfer.count(), audit: await householdAudit() };
    const { idNumber } = await registered(demoVillage);
    expect(await transfer('far.town', { idNumber, toVillageCode: neighbourVillage, reason: '试图迁走' })).toEqual({ status: 404, body: { error: 'not_found', reason: expect.stringMatching(/辖区/) } });
    // A number never registered gets the same answer.
    expect((await transfer('far.town', { idNumber: newIdNumber(), toVillageCode: neighbourVillage, reason: '试图迁走' })).body).toEqual((await transfer('far.town', { idNumber, toVillageCode: neighbourVillage, reason: '试图迁走' })).body);
    expect((await transfer('village.worker', { idNumber, toVillageCode: neighbourVillage, reason: '试图迁走' })).status).toBe(403);
    expect((await transfer('town.reviewer', { idNumber, toVillageCode: demoVillage, reason: '原村' })).status).toBe(409);
    const withCase = newIdNumber();
    expect((await report('village.worker', withCase, demoVillage)).status).toBe(201);
    expect(await transfer('town.reviewer', { idNumber: withCase, toVillageCode: neighbourVillage, reason: '有案件' })).toMatchObject({ status: 409, body: { reason: expect.stringMatching(/案件/) } });
    const bad = await transfer('town.reviewer', { idNumber: '123', toVillageCode: '999999999999', reason: '' });
    expect(bad.status).toBe(400);
    expect(bad.body.issues.map((i: { path: string }) => i.path).sort()).toEqual(['idNumber', 'reason']);
    expect(await transfer('town.reviewer', { idNumber, toVillageCode: '500154099999', reason: '不存在的村' })).toMatchObject({ status: 400, body: { issues: [{ path: 'toVillageCode' }] } });
    expect(await stack.db.householdTransfer.count()).toBe(before.transfers);
    expect(await householdAudit()).toBe(before.audit);
  });
});
