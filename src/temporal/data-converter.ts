import type { DataConverter, PayloadCodec } from '@temporalio/common';

/** The failure converter's module (src/temporal/failure-converter.ts); workflow bundles must be built with it. */
export const failureConverterPath = require.resolve('./failure-converter');
/** Temporal's payload converters plus the refused-payload marker's (src/temporal/payload-converter.ts); in the bundle too. */
export const payloadConverterPath = require.resolve('./payload-converter');

/**
 * The one data converter of every AssistFlow client and worker: payloads encrypted by the codec, and failure
 * messages encoded into a payload so that the codec encrypts them too.
 */
export function assistFlowDataConverter(payloadCodec: PayloadCodec): DataConverter {
  return { payloadCodecs: [payloadCodec], failureConverterPath, payloadConverterPath };
}
