import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Client } from 'pg';
import { createPrisma } from '../../src/db/client';
import { applyMigrations, schemaDriftSql } from '../../src/db/migrations';
import { createTestDatabase } from '../support/database';
import { startPGliteServer } from '../support/pglite';

const migrationsDir = path.resolve(__dirname, '../../prisma/migrations');
const migrations = readdirSync(migrationsDir, { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name)
  .sort();

async function query<T>(url: string, sql: string): Promise<T[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql)).rows;
  } finally {
    await client.end();
  }
}

describe('migrations on PostgreSQL', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(() => db?.drop());

  it('applies every migration to a fresh database and records it as Prisma does', async () => {
    expect(migrations.length).toBeGreaterThan(0);
    const rows = await query<Record<string, unknown>>(
      db.url,
      'SELECT migration_name, checksum, finished_at, rolled_back_at, logs, applied_steps_count FROM _prisma_migrations ORDER BY migration_name',
    );
    expect(rows).toEqual(
      migrations.map((name) => ({
        migration_name: name,
        checksum: createHash('sha256').update(readFileSync(path.join(migrationsDir, name, 'migration.sql'))).digest('hex'),
        finished_at: expect.any(Date),
        rolled_back_at: null,
        logs: null,
        applied_steps_count: 1,
      })),
    );
  });

  it('applies nothing the second time', async () => {
    expect(await applyMigrations(db.url)).toEqual({ applied: [] });
  });

  it('has migrations that match prisma/schema.prisma (else: npm run db:migration:create -- <name>)', async () => {
    expect(await schemaDriftSql(db.url)).toBe('');
  });

  it('serves a PrismaClient that writes and reads a Jurisdiction', async () => {
    const prisma = createPrisma(db.url, 2);
    try {
      await prisma.jurisdiction.create({ data: { code: '500154', name: '开州区', level: 'DISTRICT' } });
      await prisma.jurisdiction.create({
        data: { code: '500154100', name: '汉丰街道', level: 'TOWN', parentCode: '500154', kind: '街道' },
      });
      const district = await prisma.jurisdiction.findUnique({ where: { code: '500154' }, include: { children: true } });
      expect(district).toMatchObject({ name: '开州区', level: 'DISTRICT', parentCode: null });
      expect(district?.children.map((c) => [c.code, c.name, c.kind])).toEqual([['500154100', '汉丰街道', '街道']]);
    } finally {
      await prisma.$disconnect();
    }
  });
});

describe('migrations on PGlite over the wire protocol', () => {
  it('applies every migration, then nothing, and serves a PrismaClient', async () => {
    // One connection at a time: applyMigrations uses one, and each step below closes its own first.
    const pglite = await startPGliteServer();
    try {
      expect(await applyMigrations(pglite.url)).toEqual({ applied: migrations });
      expect(await applyMigrations(pglite.url)).toEqual({ applied: [] });
      const recorded = await query<{ migration_name: string }>(
        pglite.url,
        'SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NOT NULL ORDER BY migration_name',
      );
      expect(recorded.map((r) => r.migration_name)).toEqual(migrations);

      const prisma = createPrisma(pglite.url, 1);
      try {
        await prisma.jurisdiction.create({ data: { code: '500154', name: '开州区', level: 'DISTRICT' } });
        expect(await prisma.jurisdiction.findMany()).toEqual([
          { code: '500154', name: '开州区', level: 'DISTRICT', parentCode: null, kind: null },
        ]);
      } finally {
        await prisma.$disconnect();
      }
    } finally {
      await pglite.stop();
    }
  });
});
