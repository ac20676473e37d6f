import { Connection } from '@temporalio/client';
import { searchAttributeDefinitions } from '../temporal/search-attributes';

/** temporal.api.enums.v1.IndexedValueType, keyed by the names `--search-attribute NAME=TYPE` uses. */
const indexedValueTypes: Record<string, number> = {
  Text: 1,
  Keyword: 2,
  Int: 3,
  Double: 4,
  Bool: 5,
  Datetime: 6,
  KeywordList: 7,
};

/** The time-skipping test server can add search attributes but not list them (gRPC UNIMPLEMENTED): treat that as none. */
async function listCustom(connection: Connection, namespace: string): Promise<Record<string, number>> {
  try {
    return ((await connection.operatorService.listSearchAttributes({ namespace })).customAttributes ?? {}) as Record<string, number>;
  } catch (error) {
    if ((error as { code?: number }).code === 12) return {};
    throw error;
  }
}

/**
 * Registers every entry of searchAttributeDefinitions that the namespace lacks; returns the names it added.
 * Safe to repeat. Throws when an attribute exists with another type (Temporal cannot change a type).
 */
export async function ensureSearchAttributes({ address, namespace }: { address: string; namespace: string }): Promise<string[]> {
  const connection = await Connection.connect({ address });
  try {
    const customAttributes = await listCustom(connection, namespace);
    const missing: Record<string, number> = {};
    for (const { name, type } of searchAttributeDefinitions) {
      const wanted = indexedValueTypes[type];
      const existing = customAttributes?.[name];
      if (existing == null) missing[name] = wanted;
      else if (existing !== wanted) {
        throw new Error(`Search attribute ${name} exists in namespace ${namespace} with another type (IndexedValueType ${existing}); the code wants ${type}.`);
      }
    }
    if (Object.keys(missing).length > 0) {
      await connection.operatorService.addSearchAttributes({ namespace, searchAttributes: missing });
    }
    return Object.keys(missing);
  } finally {
    await connection.close();
  }
}

// `tsx src/embedded/search-attributes-setup.ts [host:port] [namespace]` registers them against an external Temporal.
if (require.main === module) {
  const [address = process.env.TEMPORAL_ADDRESS ?? 'localhost:7233', namespace = process.env.TEMPORAL_NAMESPACE ?? 'default'] =
    process.argv.slice(2);
  ensureSearchAttributes({ address, namespace }).then(
    (added) => console.log(`search attributes on ${address}/${namespace}: ${added.length ? `added ${added.join(', ')}` : 'all present'}`),
    (error) => {
      console.error(error instanceof Error ? error.message : error);
      process.exit(1);
    },
  );
}
