import { createScratchDatabase } from '../../src/db/scratch-database';

const serverUrl = () => process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432';

/** A fresh, migrated database `assistflow_test_<random>` on the test PostgreSQL server. */
export function createTestDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  return createScratchDatabase(serverUrl(), 'assistflow_test');
}
