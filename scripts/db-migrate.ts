/** Applies pending Prisma migrations to DATABASE_URL (npm run db:migrate). */
import { applyMigrations } from '../src/db/migrations';

async function main() {
  const url = process.env.DATABASE_URL;
  if (!url) {
    console.error('DATABASE_URL is not set: point it at the PostgreSQL database to migrate, e.g. postgres://user@host:5432/assistflow');
    process.exit(1);
  }
  const { applied } = await applyMigrations(url);
  if (applied.length === 0) console.log('Database is up to date: no pending migrations.');
  else console.log(`Applied ${applied.length} migration(s):\n${applied.map((name) => `  ${name}`).join('\n')}`);
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
