/**
 * Writes prisma/migrations/<timestamp>_<name>/ with the SQL from the existing migrations to
 * prisma/schema.prisma (npm run db:migration:create -- <name>). The shadow database it needs is
 * created, and dropped, on DATABASE_URL's server.
 */
import path from 'node:path';
import { createMigration } from '../src/db/migrations';

async function main() {
  const url = process.env.DATABASE_URL;
  const name = process.argv[2];
  if (!url || !name) {
    if (!url) console.error('DATABASE_URL is not set: its server hosts the temporary shadow database.');
    if (!name) console.error('Usage: npm run db:migration:create -- <name>   (e.g. add_household_phone)');
    process.exit(1);
  }
  const dir = await createMigration(url, name);
  console.log(dir ? `Created ${path.relative(process.cwd(), dir)}` : 'No changes: the migrations already match prisma/schema.prisma.');
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
