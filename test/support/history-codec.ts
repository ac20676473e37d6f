import { createHash } from 'node:crypto';
import { createPayloadCodec } from '../../src/temporal/payload-codec';

/**
 * The data converter of the workflow tests, with a fixed, test-only key, so the histories they save under
 * test/workflows/histories stay readable by the replay test. Never a production key.
 */
export const testDataConverter = {
  payloadCodecs: [createPayloadCodec([{ id: 'test-histories', key: createHash('sha256').update('assistflow test histories').digest() }])],
};
