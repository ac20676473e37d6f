import { BinaryPayloadConverter, CompositePayloadConverter, JsonPayloadConverter, UndefinedPayloadConverter } from '@temporalio/common';
import { RefusedPayloadConverter } from './refused-payload';

/**
 * Temporal's default converters, plus one that reads a refused payload (refused-payload.ts) as a marker. Loaded by
 * path (`payloadConverterPath`): it runs in the workflow sandbox too.
 */
export const payloadConverter = new CompositePayloadConverter(
  new UndefinedPayloadConverter(),
  new BinaryPayloadConverter(),
  new JsonPayloadConverter(),
  new RefusedPayloadConverter(),
);
