import { randomUUID } from 'node:crypto';
import { Client, type WorkflowHandle } from '@temporalio/client';
import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import { demoVillage } from '../../src/demo/seed';
import { payloadFromJson, payloadToJson } from '../../src/temporal/payload-codec';
import { caseStateQuery } from '../../src/domain/monitoring/messages';
import { defaultPolicySettings } from '../../src/domain/policy';
import { eventually } from '../support/eventually';
import { storePolicyVersion1 } from '../support/fixtures';
import { newIdNumber } from '../support/ids';
import { startStack, type Stack } from '../support/stack';

let stack: Stack;
let plain: Client;

beforeAll(async () => {
  stack = await startStack();
  // What anyone with access to Temporal sees: the same server, no codec.
  plain = new Client({ connection: stack.temporal.connection, namespace: 'default' });
});
afterAll(async () => {
  await stack?.stop();
});

/**
 * Every string and bytes field of the raw history, base64 also read as UTF-8 (fetchHistory gives payload bytes as
 * base64 strings), so clear text would show however it is carried.
 */
function historyText(history: unknown): string {
  const parts: string[] = [];
  const visit = (value: unknown): void => {
    if (value instanceof Uint8Array) parts.push(Buffer.from(value).toString('utf8'));
    else if (typeof value === 'string') parts.push(value, /^[A-Za-z0-9+/]+={0,2}$/.test(value) ? Buffer.from(value, 'base64').toString('utf8') : '');
    else if (value && typeof value === 'object') Object.values(value).forEach(visit);
  };
  visit(history);
  return parts.join('\n');
}

/** A case with distinctive personal data, decided once; returns what went in and where its workflow is. */
async function caseDecidedOnce() {
  const marker = randomUUID().slice(0, 8);
  const personal = {
    idNumber: newIdNumber(),
    headName: `隐私户主${marker}`,
    note: `隐私备注${marker}：户主患慢性病长期服药`,
    comment: `隐私意见${marker}：已入户核实`,
  };
  const created = await stack.request('POST', '/api/monitoring-cases', {
    token: await stack.login('village.worker'),
    body: {
      household: { headName: personal.headName, idNumber: personal.idNumber, villageCode: demoVillage, memberCount: 3, laborCapacity: 'none' },
      category: 'SUDDEN_HARDSHIP',
      channel: 'CADRE_VISIT',
      riskTypes: ['ILLNESS'],
      perCapitaIncome: 4200,
      note: personal.note,
    },
  });
  expect(created.status).toBe(201);
  const inbox = await stack.request('GET', `/api/tasks?caseId=${created.body.id}`, { token: await stack.login('village.worker') });
  const task = inbox.body.items.find((t: { caseId: string }) => t.caseId === created.body.id);
  const decided = await stack.request('POST', `/api/tasks/${task.id}/complete`, {
    token: await stack.login('village.worker'),
    body: { decision: 'approve', comment: personal.comment },
  });
  expect(decided.status).toBe(200);
  return { personal, caseId: created.body.id as string, stage: decided.body.stage as string, workflowId: `monitoring-${created.body.household.id}` };
}

async function startInput(workflowId: string): Promise<Payload[]> {
  const history = await plain.workflow.getHandle(workflowId).fetchHistory();
  return history.events?.[0].workflowExecutionStartedEventAttributes?.input?.payloads ?? [];
}

test('the raw workflow history holds no ID number, name, note or comment; the codec-enabled client still reads the case', async () => {
  const { personal, caseId, stage, workflowId } = await caseDecidedOnce();

  const text = historyText(await plain.workflow.getHandle(workflowId).fetchHistory());
  for (const [field, value] of Object.entries(personal)) expect([field, text.includes(value)]).toEqual([field, false]);
  // The check does see clear text: search attributes are not encrypted, and their payloads read as JSON here.
  expect(text).toContain('"500154017"');
  expect(text).toContain('binary/encrypted');

  // Without the keys the workflow's answers are unreadable; with them, they are as before.
  await expect(plain.workflow.getHandle(workflowId).query(caseStateQuery)).rejects.toThrow();
  expect(await stack.temporal.workflow.getHandle(workflowId).query(caseStateQuery)).toMatchObject({ caseId, stage });
  const [input] = await stack.payloadCodec.decode(await startInput(workflowId));
  expect(defaultPayloadConverter.fromPayload(input)).toMatchObject({ caseId, note: personal.note });
});

test('a failure message naming a person is encrypted in history too, and the codec-enabled client reads it back', async () => {
  // Errors quote data: a Postgres unique violation names the key it refused. The home visit falls due after three
  // seconds, and this trigger fails the reminder's first write once with such a message, so the activity's failure
  // lands in history (its retry succeeds). Decisions are recorded by local activities, whose retried failures never
  // reach history; the reminder is an ordinary activity.
  await storePolicyVersion1(stack.db, { ...defaultPolicySettings, stepDue: { ...defaultPolicySettings.stepDue, HOME_VISIT: 'PT3S' } });
  const idNumber = newIdNumber();
  const created = await stack.request('POST', '/api/monitoring-cases', {
    token: await stack.login('village.worker'),
    body: {
      household: { headName: '失败信息户', idNumber, villageCode: demoVillage, memberCount: 2, laborCapacity: 'full' },
      category: 'MARGINAL',
      channel: 'CADRE_VISIT',
      riskTypes: ['ILLNESS'],
      perCapitaIncome: 5000,
    },
  });
  expect(created.status).toBe(201);
  const caseId: string = created.body.id;
  const leak = `duplicate key value violates unique constraint: Key ("idNumber")=(${idNumber}) already exists`;
  await stack.db.$executeRawUnsafe('CREATE SEQUENCE IF NOT EXISTS fail_once_seq');
  await stack.db.$executeRawUnsafe(`
    CREATE OR REPLACE FUNCTION fail_once() RETURNS trigger AS $$
    BEGIN
      IF NEW."caseId" = '${caseId}' AND NEW."kind" = 'TASK_OVERDUE' AND nextval('fail_once_seq') = 1 THEN
        RAISE EXCEPTION '${leak.replace(/'/g, "''")}';
      END IF;
      RETURN NEW;
    END $$ LANGUAGE plpgsql`);
  await stack.db.$executeRawUnsafe('CREATE TRIGGER fail_once BEFORE INSERT ON "TimelineEvent" FOR EACH ROW EXECUTE FUNCTION fail_once()');
  const workflowId = `monitoring-${created.body.household.id}`;
  const failuresIn = (history: Awaited<ReturnType<WorkflowHandle['fetchHistory']>>) =>
    (history.events ?? []).flatMap((e) => (e.activityTaskStartedEventAttributes?.lastFailure ? [e.activityTaskStartedEventAttributes.lastFailure] : []));
  let history: Awaited<ReturnType<WorkflowHandle['fetchHistory']>>;
  try {
    // Failed once, then completed.
    history = await eventually(async () => {
      const h = await plain.workflow.getHandle(workflowId).fetchHistory();
      return failuresIn(h).length === 1 && h.events?.some((e) => e.activityTaskCompletedEventAttributes) ? h : null;
    }, 30_000);
  } finally {
    await stack.db.$executeRawUnsafe('DROP TRIGGER fail_once ON "TimelineEvent"');
  }
  const failures = failuresIn(history);
  expect(failures).toHaveLength(1);
  // In history: a placeholder, and the message and stack trace inside an encrypted payload.
  expect(failures[0].message).toBe('Encoded failure');
  expect(Buffer.from(failures[0].encodedAttributes!.metadata!.encoding!).toString()).toBe('binary/encrypted');
  const text = historyText(history);
  for (const form of [idNumber, idNumber.slice(0, 17), 'already exists']) expect([form, text.includes(form)]).toEqual([form, false]);
  // With the keys, the message is all there: the check above is not vacuous.
  const [attributes] = await stack.payloadCodec.decode([failures[0].encodedAttributes!]);
  expect(defaultPayloadConverter.fromPayload<{ message: string }>(attributes).message).toContain(leak);
});

describe('the Temporal UI codec endpoint', () => {
  const decode = async (username: string | null, payloads: Payload[]) =>
    stack.request('POST', '/api/temporal-codec/decode', {
      token: username ? await stack.login(username) : undefined,
      body: { payloads: payloads.map(payloadToJson) },
      headers: { origin: stack.temporalUiOrigin, 'x-namespace': 'default' },
    });

  test('decodes history payloads for a district approver and an admin', async () => {
    const { personal, caseId, workflowId } = await caseDecidedOnce();
    const encrypted = await startInput(workflowId);
    for (const username of ['district.approver', 'admin']) {
      const res = await decode(username, encrypted);
      expect([username, res.status]).toEqual([username, 200]);
      expect(defaultPayloadConverter.fromPayload(payloadFromJson(res.body.payloads[0]))).toMatchObject({ caseId, note: personal.note });
    }
  });

  test('decodes what the codec encoded; it encodes nothing itself (that would let a token holder forge messages)', async () => {
    const token = await stack.login('district.approver');
    const original = defaultPayloadConverter.toPayload({ note: '编码往返' });
    const decoded = await stack.request('POST', '/api/temporal-codec/decode', { token, body: { payloads: (await stack.payloadCodec.encode([original])).map(payloadToJson) } });
    expect(decoded.body).toEqual({ payloads: [payloadToJson(original)] });
    // No encryption oracle: /encode is no route, for anyone.
    for (const username of ['district.approver', 'admin']) {
      const encode = await stack.request('POST', '/api/temporal-codec/encode', { token: await stack.login(username), body: { payloads: [payloadToJson(original)] } });
      expect([username, encode.status]).toEqual([username, 404]);
    }
    // And a payload in clear is refused, not passed back.
    expect((await stack.request('POST', '/api/temporal-codec/decode', { token, body: { payloads: [payloadToJson(original)] } })).status).toBe(400);
    // Proto JSON, as the temporal CLI sends it, leaves out an empty list.
    expect(await stack.request('POST', '/api/temporal-codec/decode', { token, body: {} })).toEqual({ status: 200, body: { payloads: [] } });
  });

  test('is 403 for a village caseworker and 401 without a token, with CORS headers the UI can read', async () => {
    const encrypted = await startInput((await caseDecidedOnce()).workflowId);
    expect(await decode('village.worker', encrypted)).toEqual({ status: 403, body: { error: 'forbidden', reason: expect.any(String) } });
    expect((await decode('town.reviewer', encrypted)).status).toBe(403);
    expect(await decode(null, encrypted)).toEqual({ status: 401, body: { error: 'unauthenticated', reason: expect.any(String) } });
    const res = await fetch(`${stack.url}/api/temporal-codec/decode`, { method: 'POST', headers: { origin: stack.temporalUiOrigin } });
    expect([res.status, res.headers.get('access-control-allow-origin')]).toEqual([401, stack.temporalUiOrigin]);
  });

  test('answers the CORS preflight for the UI origin only', async () => {
    const preflight = (origin: string) =>
      fetch(`${stack.url}/api/temporal-codec/decode`, {
        method: 'OPTIONS',
        headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type,x-namespace' },
      });
    const ui = await preflight(stack.temporalUiOrigin);
    expect(ui.status).toBe(204);
    expect(ui.headers.get('access-control-allow-origin')).toBe(stack.temporalUiOrigin);
    expect(ui.headers.get('access-control-allow-headers')).toMatch(/content-type/i);
    const other = await preflight('http://evil.example');
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  });

  test('a payload it cannot decrypt is a 400 naming the key id', async () => {
    const foreign = { ...payloadToJson(defaultPayloadConverter.toPayload('x')), metadata: { encoding: Buffer.from('binary/encrypted').toString('base64'), 'encryption-key-id': Buffer.from('k1999').toString('base64') } };
    const res = await stack.request('POST', '/api/temporal-codec/decode', { token: await stack.login('admin'), body: { payloads: [foreign] } });
    expect(res).toEqual({ status: 400, body: { error: 'validation', issues: [{ path: 'payloads', message: expect.stringContaining('"k1999"') }] } });
  });
});

describe('numbers typed into free text', () => {
  const idNumber = () => newIdNumber();
  const masked = (id: string) => `${id.slice(0, 6)}********${id.slice(-4)}`;

  test('a comment with an ID number and a phone shows them masked in the case view, to everyone who reads it', async () => {
    const id = idNumber();
    const created = await stack.request('POST', '/api/monitoring-cases', {
      token: await stack.login('village.worker'),
      body: { household: { headName: '文本户', idNumber: newIdNumber(), villageCode: demoVillage, memberCount: 2, laborCapacity: 'full' }, category: 'MARGINAL', channel: 'CADRE_VISIT', riskTypes: ['ILLNESS'], perCapitaIncome: 5000 },
    });
    const inbox = await stack.request('GET', `/api/tasks?caseId=${created.body.id}`, { token: await stack.login('village.worker') });
    const task = inbox.body.items.find((t: { caseId: string }) => t.caseId === created.body.id);
    const comment = `已核实，户主配偶身份证${id}，联系电话13812345678`;
    expect((await stack.request('POST', `/api/tasks/${task.id}/complete`, { token: await stack.login('village.worker'), body: { decision: 'approve', comment } })).status).toBe(200);
    for (const username of ['village.worker', 'town.reviewer', 'district.approver']) {
      const view = await stack.request('GET', `/api/monitoring-cases/${created.body.id}`, { token: await stack.login(username) });
      const text = JSON.stringify(view.body);
      expect([username, text.includes(id), text.includes('13812345678')]).toEqual([username, false, false]);
      expect(view.body.timeline.map((e: { comment: string | null }) => e.comment)).toContain(`已核实，户主配偶身份证${masked(id)}，联系电话138****5678`);
    }
  });

  test('the codec endpoint masks them in the JSON it decodes (still valid payloads), and each decode is audited', async () => {
    const token = await stack.login('district.approver');
    const id = idNumber();
    const original = defaultPayloadConverter.toPayload({ caseId: 'c-1', householdId: 'h-13812345678', idNumber: id, note: `电话13812345678，身份证${id}` });
    const [encrypted] = await stack.payloadCodec.encode([original]);
    const before = await stack.db.auditEntry.count({ where: { action: 'codec.decode' } });
    const res = await stack.request('POST', '/api/temporal-codec/decode', { token, body: { payloads: [payloadToJson(encrypted), payloadToJson(encrypted)] }, headers: { 'x-namespace': 'default' } });
    expect(res.status).toBe(200);
    expect(defaultPayloadConverter.fromPayload(payloadFromJson(res.body.payloads[0]))).toEqual({
      caseId: 'c-1',
      householdId: 'h-13812345678',
      idNumber: masked(id),
      note: `电话138****5678，身份证${masked(id)}`,
    });
    const entries = await stack.db.auditEntry.findMany({ where: { action: 'codec.decode' }, orderBy: { id: 'asc' } });
    expect(entries).toHaveLength(before + 1);
    const approver = await stack.db.user.findUniqueOrThrow({ where: { username: 'district.approver' } });
    expect(entries.at(-1)).toMatchObject({ actorId: approver.id, after: { count: 2, namespace: 'default' } });
  });
});
