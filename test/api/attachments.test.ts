import { createHash } from 'node:crypto';
import { defaultPolicySettings } from '../../src/domain/policy';
import { addUser, neighbourTownReviewer, storePolicyVersion1 } from '../support/fixtures';
import { gpsInfoTag, jpegWithGps, pdf, png } from '../support/image-bytes';
import { intakeBody } from '../support/intake';
import { newIdNumber } from '../support/ids';
import { caseFlow } from '../support/case-flow';
import { startStack, type Stack } from '../support/stack';

/** 佐证材料 on the real stack: upload by content type, location stripped, checksum-verified download, scoping, decisions citing files. */

let stack: Stack;
const flow = caseFlow(() => stack);
let caseId = '';
let otherCaseId = '';

beforeAll(async () => {
  stack = await startStack();
  await addUser(stack.db, neighbourTownReviewer);
  for (const target of ['case', 'other'] as const) {
    const res = await flow.as('village.worker', 'POST', '/api/monitoring-cases', intakeBody());
    expect(res.status).toBe(201);
    if (target === 'case') caseId = res.body.id;
    else otherCaseId = res.body.id;
  }
}, 240_000);
afterAll(async () => {
  await stack?.stop();
});

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

async function upload(username: string, bytes: Buffer, name: string, target = caseId) {
  const form = new FormData();
  form.append('file', new Blob([Uint8Array.from(bytes)]), name);
  const res = await fetch(`${stack.url}/api/monitoring-cases/${target}/attachments`, { method: 'POST', headers: { authorization: `Bearer ${await stack.login(username)}` }, body: form });
  return { status: res.status, body: (await res.json()) as any };
}
async function download(username: string, attachmentId: string, target = caseId) {
  const res = await fetch(`${stack.url}/api/monitoring-cases/${target}/attachments/${attachmentId}`, { headers: { authorization: `Bearer ${await stack.login(username)}` } });
  const bytes = Buffer.from(await res.arrayBuffer());
  return { status: res.status, bytes, type: res.headers.get('content-type'), disposition: res.headers.get('content-disposition'), json: () => JSON.parse(bytes.toString('utf8')) };
}
const auditOf = (action: string, targetId: string) => stack.db.auditEntry.findMany({ where: { action, targetId } });

test('a photo is stored without its EXIF GPS block, the checksum is of what is stored, and the download is that file', async () => {
  const original = jpegWithGps();
  expect(original.includes(gpsInfoTag)).toBe(true);
  const res = await upload('village.worker', original, '入户照片.jpg');
  expect(res.status).toBe(201);
  expect(res.body).toMatchObject({ name: '入户照片.jpg', contentType: 'image/jpeg', uploadedBy: 'village.worker' });
  const expected = jpegWithGps({ withExif: false });
  expect(res.body.size).toBe(expected.length);
  expect(res.body.sha256).toBe(sha256(expected));

  const got = await download('town.reviewer', res.body.id);
  expect(got.status).toBe(200);
  expect(got.type).toBe('image/jpeg');
  expect(got.disposition).toContain("filename*=UTF-8''%E5%85%A5%E6%88%B7%E7%85%A7%E7%89%87.jpg");
  expect(got.bytes.equals(expected)).toBe(true);
  expect(got.bytes.includes(Buffer.from('Exif'))).toBe(false);
  expect(got.bytes.includes(gpsInfoTag)).toBe(false);
  // And in the database itself.
  const stored = await stack.db.attachmentContent.findUniqueOrThrow({ where: { key: res.body.id } });
  expect(Buffer.from(stored.content).includes(gpsInfoTag)).toBe(false);

  expect(await auditOf('attachment.upload', res.body.id)).toHaveLength(1);
  expect((await auditOf('attachment.download', res.body.id)).map((e) => e.actorRole)).toEqual(['TOWN_REVIEWER']);
});

test('the type comes from the content: a PNG named .pdf is a PNG, text named .jpg is refused in Chinese', async () => {
  const asPng = await upload('village.head', png(), 'scan.pdf');
  expect(asPng.status).toBe(201);
  expect(asPng.body.contentType).toBe('image/png');
  const asPdf = await upload('district.approver', pdf(), '核查报告.pdf');
  expect(asPdf.body.contentType).toBe('application/pdf');
  // A number typed into the name is masked in every view, as in comments.
  const idNumber = newIdNumber();
  const named = await upload('village.worker', pdf(), `身份证${idNumber}.pdf`);
  expect(named.body.name).not.toContain(idNumber);
  expect(named.body.name).toMatch(/^身份证\d{6}\*+/);

  const text = await upload('village.worker', Buffer.from('不是图片'), 'photo.jpg');
  expect(text.status).toBe(400);
  expect(text.body.issues[0]).toMatchObject({ path: 'file' });
  expect(text.body.issues[0].message).toMatch(/JPEG、PNG/);
});

test('a file over ATTACHMENT_MAX_BYTES (10 MB) is refused with 400 and nothing is stored', async () => {
  const before = await stack.db.attachment.count();
  const big = Buffer.concat([pdf(), Buffer.alloc(10 * 1024 * 1024)]);
  const res = await upload('village.worker', big, 'big.pdf');
  expect(res.status).toBe(400);
  expect(res.body.issues[0].message).toMatch(/超过大小上限 10 MB/);
  expect(await stack.db.attachment.count()).toBe(before);
});

test('scoping as the case: outside it 404, admins read but do not upload', async () => {
  const res = await upload('village.worker', pdf(), 'a.pdf');
  expect((await upload('neighbour.town', pdf(), 'b.pdf')).status).toBe(404);
  expect((await download('neighbour.town', res.body.id)).status).toBe(404);
  expect((await download('dept.officer', res.body.id)).status).toBe(404);
  const admin = await upload('admin', pdf(), 'c.pdf');
  expect(admin.status).toBe(403);
  expect(admin.body.reason).toMatch(/系统管理员/);
  expect((await download('admin', res.body.id)).status).toBe(200);
  // Another case's path does not reach it.
  expect((await download('village.worker', res.body.id, otherCaseId)).status).toBe(404);
});

test('a file altered in the database is refused with 409, audited, and not served', async () => {
  const res = await upload('village.worker', pdf(), '证明.pdf');
  expect((await download('village.worker', res.body.id)).status).toBe(200);
  await stack.db.$executeRaw`UPDATE "AttachmentContent" SET content = ${Buffer.from('%PDF-1.4 forged')} WHERE key = ${res.body.id}`;
  const got = await download('village.worker', res.body.id);
  expect(got.status).toBe(409);
  expect(got.json()).toMatchObject({ error: 'conflict' });
  expect(got.json().reason).toMatch(/^文件校验失败/);
  expect(got.bytes.includes(Buffer.from('forged'))).toBe(false);
  const failures = await auditOf('attachment.integrity_failure', res.body.id);
  expect(failures).toHaveLength(1);
  expect(failures[0].before).toMatchObject({ sha256: res.body.sha256 });
  // Only the good download was recorded as one.
  expect(await auditOf('attachment.download', res.body.id)).toHaveLength(1);
});

test('a decision cites files of its own case; the timeline shows the uploads and the files beside the decision', async () => {
  const photo = await upload('village.worker', jpegWithGps(), '现场照片.jpg');
  const foreign = await upload('village.worker', pdf(), 'other.pdf', otherCaseId);
  const task = await flow.taskOf('village.worker', caseId, 'HOME_VISIT');
  const complete = (attachmentIds: unknown) => flow.as('village.worker', 'POST', `/api/tasks/${task.id}/complete`, { decision: 'approve', comment: '属实', attachmentIds });

  const wrong = await complete([photo.body.id, foreign.body.id]);
  expect(wrong.status).toBe(400);
  expect(wrong.body.issues).toEqual([{ path: 'attachmentIds.1', message: expect.stringMatching(/不属于本案件/) }]);
  expect((await complete(['not-a-uuid'])).status).toBe(400);

  const ok = await complete([photo.body.id]);
  expect(ok.status).toBe(200);
  // The retry is answered as the first, and cites nothing twice.
  expect((await complete([photo.body.id])).status).toBe(200);

  const view = (await flow.as('village.worker', 'GET', `/api/monitoring-cases/${caseId}`)).body;
  expect(view.attachments.map((a: any) => a.id)).toContain(photo.body.id);
  const uploaded = view.timeline.filter((e: any) => e.kind === 'ATTACHMENT_UPLOADED');
  expect(uploaded.map((e: any) => e.attachments[0].id)).toContain(photo.body.id);
  expect(uploaded[0]).toMatchObject({ label: '上传佐证材料', actor: 'village.worker' });
  const decided = view.timeline.find((e: any) => e.kind === 'TASK_DECIDED' && e.step === 'HOME_VISIT');
  expect(decided.attachments).toEqual([expect.objectContaining({ id: photo.body.id, name: '现场照片.jpg', sha256: photo.body.sha256 })]);
  expect(view.timeline.filter((e: any) => e.kind !== 'ATTACHMENT_UPLOADED' && e !== decided).every((e: any) => e.attachments.length === 0)).toBe(true);
});

test('a visit, a measure plan and an objection cite files of their case; the timeline shows them beside each', async () => {
  // Monitored under a one-second posting (version 1), then posted under the default five days (version 2).
  await storePolicyVersion1(stack.db);
  const monitored = await flow.monitoredCase();
  await stack.db.policyVersion.create({ data: { version: 2, effectiveFrom: new Date(), settings: defaultPolicySettings } });
  const created = await flow.as('village.worker', 'POST', '/api/monitoring-cases', intakeBody());
  const posted = created.body.id as string;
  await flow.decide('village.worker', posted, 'HOME_VISIT');
  await flow.decide('dept.medical', posted, 'DATA_MATCHING');
  expect((await flow.decide('village.head', posted, 'VILLAGE_REVIEW')).stage).toBe('PUBLIC_POSTING');

  const photo = (await upload('village.worker', jpegWithGps(), '走访照片.jpg', monitored)).body;
  const contract = (await upload('village.worker', pdf(), '务工合同.pdf', monitored)).body;
  const notice = (await upload('town.reviewer', png(), '公示照片.png', posted)).body;

  const foreign = await flow.as('village.worker', 'POST', `/api/monitoring-cases/${monitored}/visits`, { perCapitaIncome: 7200, unresolvedSpending: false, guaranteesSecure: true, attachmentIds: [notice.id] });
  expect(foreign.status).toBe(400);
  expect(foreign.body.issues[0].path).toBe('attachmentIds.0');

  const visit = await flow.as('village.worker', 'POST', `/api/monitoring-cases/${monitored}/visits`, { perCapitaIncome: 7200, unresolvedSpending: false, guaranteesSecure: true, attachmentIds: [photo.id] });
  expect(visit.status).toBe(201);
  const plan = await flow.as('village.worker', 'POST', `/api/monitoring-cases/${monitored}/measures`, {
    measures: [{ type: 'EMPLOYMENT', startDate: '2027-01-01' }, { type: 'TRAINING', startDate: '2027-01-01' }],
    attachmentIds: [contract.id],
  });
  expect(plan.status).toBe(201);
  const objection = await flow.as('town.reviewer', 'POST', `/api/monitoring-cases/${posted}/objections`, { content: '群众反映该户有经营收入', attachmentIds: [notice.id] });
  expect(objection.status).toBe(201);

  const cited = (view: any, kind: string) => view.timeline.filter((e: any) => e.kind === kind).map((e: any) => e.attachments.map((a: any) => a.id));
  expect(cited(plan.body.case, 'VISIT_RECORDED')).toEqual([[photo.id]]);
  expect(cited(plan.body.case, 'MEASURE_PLANNED')).toEqual([[contract.id], [contract.id]]);
  expect(cited(objection.body.case, 'OBJECTION_FILED')).toEqual([[notice.id]]);
});

test('the same implementation serves relocation cases: files added by those who record its visits, read in its scope', async () => {
  const created = await flow.as('town.reviewer', 'POST', '/api/relocations', {
    household: { headName: '搬迁户', idNumber: newIdNumber(), villageCode: '500154017001', memberCount: 3, laborCapacity: 'full' },
    siteCode: 'DJ-JZ-01',
    relocatedAt: '2026-06-01',
  });
  expect(created.status).toBe(201);
  const relocation = created.body.id as string;
  const form = new FormData();
  form.append('file', new Blob([Uint8Array.from(jpegWithGps())]), '安置房照片.jpg');
  const res = await fetch(`${stack.url}/api/relocations/${relocation}/attachments`, { method: 'POST', headers: { authorization: `Bearer ${await stack.login('village.worker')}` }, body: form });
  expect(res.status).toBe(201);
  const file = (await res.json()) as any;
  expect(file.sha256).toBe(sha256(jpegWithGps({ withExif: false })));
  const got = await fetch(`${stack.url}/api/relocations/${relocation}/attachments/${file.id}`, { headers: { authorization: `Bearer ${await stack.login('town.reviewer')}` } });
  expect(got.status).toBe(200);
  expect(Buffer.from(await got.arrayBuffer()).equals(jpegWithGps({ withExif: false }))).toBe(true);
  // Not through a monitoring case's path, and the row names its process.
  expect((await download('village.worker', file.id, caseId)).status).toBe(404);
  expect(await stack.db.attachment.findUniqueOrThrow({ where: { id: file.id } })).toMatchObject({ process: 'relocation', caseId: relocation });
});
