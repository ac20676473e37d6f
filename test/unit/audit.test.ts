import { createHash } from 'node:crypto';
import {
  canonicalJson,
  chainEntry,
  chainStart,
  changedFields,
  checkChain,
  genesisHash,
  listAuditSchema,
  maskPersonalData,
  type AuditContent,
  type AuditRow,
} from '../../src/domain/audit';

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

function content(i: number): Omit<AuditContent, 'id'> {
  return {
    at: new Date(Date.UTC(2026, 10, 29, 8, 0, i)),
    actorId: `user-${i % 3}`,
    actorRole: 'VILLAGE_CASEWORKER',
    action: 'task.decide',
    targetType: 'Task',
    targetId: `task-${i}`,
    before: { status: 'OPEN' },
    after: { status: 'COMPLETED', decision: 'approve', comment: `第${i}条` },
    clientAddress: '10.0.0.1',
    key: `key-${i}`,
  };
}

function chain(n: number): AuditRow[] {
  const rows: AuditRow[] = [];
  for (let i = 0; i < n; i++) rows.push(chainEntry(sha256, content(i), rows.at(-1) ?? null));
  return rows;
}

describe('audit hash chain', () => {
  test('a chain built entry by entry verifies, with ids 1..n and the first linked to the genesis hash', () => {
    const rows = chain(5);
    expect(rows.map((r) => r.id)).toEqual([1, 2, 3, 4, 5]);
    expect(rows[0].prevHash).toBe(genesisHash);
    expect(rows[3].prevHash).toBe(rows[2].hash);
    expect(checkChain(sha256, rows)).toEqual({ checked: 5, cursor: { nextId: 6, prevHash: rows[4].hash } });
    expect(checkChain(sha256, [])).toEqual({ checked: 0, cursor: chainStart });
  });

  test('hash = sha256(canonical content + prevHash)', () => {
    const [first] = chain(1);
    const { prevHash, hash, ...fields } = first;
    const canonical = canonicalJson({ ...fields, at: fields.at.toISOString() });
    expect(hash).toBe(sha256(canonical + prevHash));
  });

  test('the canonical text does not depend on key order (jsonb reorders keys)', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { z: 1, y: 2 }], c: null } })).toBe(canonicalJson({ a: { c: null, d: [1, { y: 2, z: 1 }] }, b: 1 }));
    const rows = chain(2);
    const reordered = { ...rows[1], after: { comment: '第1条', decision: 'approve', status: 'COMPLETED' } };
    expect(checkChain(sha256, [rows[0], reordered]).firstBrokenId).toBeUndefined();
  });

  test('an edited field breaks the chain at that row', () => {
    const rows = chain(5);
    for (const edit of [{ actorId: 'someone-else' }, { after: { status: 'COMPLETED', decision: 'reject', comment: '第2条' } }, { at: new Date(0) }, { actorRole: 'ADMIN' as const }]) {
      const tampered = rows.map((r) => (r.id === 3 ? { ...r, ...edit } : r));
      expect(checkChain(sha256, tampered)).toMatchObject({ checked: 2, firstBrokenId: 3 });
    }
  });

  test('an edited row whose hash is recomputed still breaks the chain at the next row', () => {
    const rows = chain(5);
    const edited = { ...rows[2], actorId: 'someone-else' };
    const rehashed = chainEntry(sha256, edited, rows[1]);
    const tampered = rows.map((r) => (r.id === 3 ? rehashed : r));
    expect(checkChain(sha256, tampered)).toMatchObject({ checked: 3, firstBrokenId: 4 });
  });

  test('a deleted row breaks the chain at the row after the gap', () => {
    const rows = chain(5);
    expect(checkChain(sha256, rows.filter((r) => r.id !== 3))).toMatchObject({ checked: 2, firstBrokenId: 4 });
    expect(checkChain(sha256, rows.slice(1))).toMatchObject({ checked: 0, firstBrokenId: 2 });
  });

  test('reordered rows break the chain, whether or not their ids are swapped too', () => {
    const rows = chain(5);
    expect(checkChain(sha256, [rows[0], rows[2], rows[1], rows[3], rows[4]])).toMatchObject({ checked: 1, firstBrokenId: 3 });
    const swappedIds = [rows[0], { ...rows[2], id: 2 }, { ...rows[1], id: 3 }, rows[3], rows[4]];
    expect(checkChain(sha256, swappedIds)).toMatchObject({ checked: 1, firstBrokenId: 2 });
  });

  test('pages check on from the cursor of the previous page', () => {
    const rows = chain(7);
    const first = checkChain(sha256, rows.slice(0, 4));
    expect(checkChain(sha256, rows.slice(4), first.cursor)).toMatchObject({ checked: 3 });
    const tampered = rows.slice(4).map((r) => (r.id === 6 ? { ...r, targetId: 'x' } : r));
    expect(checkChain(sha256, tampered, first.cursor)).toMatchObject({ checked: 1, firstBrokenId: 6 });
  });
});

describe('personal data in audit entries', () => {
  test('ID numbers, phones and bank accounts are masked by field name and wherever they appear in text', () => {
    const masked = maskPersonalData({
      household: { idNumber: '11010519491231002X', phone: '13812345678', villageCode: '500154017001' },
      bankAccount: '6222021234567890123',
      comment: '户主身份证11010519491231002X，电话13912345678，卡号6222021234567890',
      notes: ['联系 15012345678'],
      memberCount: 4,
      caseId: 'a13812345678-0000',
    });
    expect(masked).toEqual({
      household: { idNumber: '110105********002X', phone: '138****5678', villageCode: '500154017001' },
      bankAccount: '***************0123',
      comment: '户主身份证110105********002X，电话139****5678，卡号************7890',
      notes: ['联系 150****5678'],
      memberCount: 4,
      caseId: 'a13812345678-0000',
    });
  });
});

describe('changed fields', () => {
  test('only the fields that differ, each side with its own value', () => {
    expect(changedFields({ a: 1, b: { x: 1 }, c: 'same', gone: true }, { a: 2, b: { x: 1 }, c: 'same', added: 'yes' })).toEqual({
      before: { a: 1, gone: true },
      after: { a: 2, added: 'yes' },
    });
    expect(changedFields({ a: [1, 2] }, { a: [1, 2] })).toEqual({ before: {}, after: {} });
  });
});

describe('audit list query', () => {
  test('filters and paging are validated', () => {
    expect(listAuditSchema.parse({ action: 'task.decide', page: '2' })).toMatchObject({ action: 'task.decide', page: 2, pageSize: 20 });
    expect(listAuditSchema.parse({ from: '2026-11-29T08:00:00+08:00' }).from).toEqual(new Date('2026-11-29T00:00:00Z'));
    const bad = listAuditSchema.safeParse({ action: 'nope', pageSize: '500', from: '2026-11-30T00:00:00Z', to: '2026-11-29T00:00:00Z' });
    expect(bad.success).toBe(false);
    expect(bad.error!.issues.map((i) => i.path.join('.')).sort()).toEqual(['action', 'pageSize']);
    const reversed = listAuditSchema.safeParse({ from: '2026-11-30T00:00:00Z', to: '2026-11-29T00:00:00Z' });
    expect(reversed.error!.issues).toEqual([expect.objectContaining({ path: ['to'], message: '结束时间不能早于开始时间' })]);
  });
});
