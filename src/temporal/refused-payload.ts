import type { Payload, PayloadConverterWithEncoding } from '@temporalio/common';

/**
 * A payload the worker's codec refused (not encrypted with our keys, or not decryptable), passed on as a marker
 * instead of an error: an error would fail the workflow task that carries it, over and over, and a signal cannot be
 * refused before it is in history, so one forged signal would stop its case for good. The marker reaches the
 * workflow's interceptor (refused-payload-interceptor.ts), which drops the signal and refuses the Update, query,
 * start or activity. Workflow-safe: no Node built-ins (it runs in the sandbox too).
 */
export const refusedEncoding = 'binary/refused';

/** The error type of a refusal, for logs and the client's error. */
export const refusedPayloadType = 'REFUSED_PAYLOAD';

/** What a refused payload converts to: an object no workflow argument has. */
export interface RefusedPayload {
  readonly assistflowRefusedPayload: true;
}

export function isRefusedPayload(value: unknown): value is RefusedPayload {
  return typeof value === 'object' && value !== null && (value as Partial<RefusedPayload>).assistflowRefusedPayload === true;
}

/** The payload the marking codec puts in place of a refused one: no data, only the encoding. */
export function refusedPayload(): Payload {
  // "binary/refused" as bytes, spelled out: TextEncoder is not in every sandbox.
  return { metadata: { encoding: Uint8Array.from([...refusedEncoding].map((c) => c.charCodeAt(0))) }, data: new Uint8Array() };
}

export class RefusedPayloadConverter implements PayloadConverterWithEncoding {
  readonly encodingType = refusedEncoding;

  /** Never writes one: only the codec does. */
  toPayload(): undefined {
    return undefined;
  }

  fromPayload<T>(): T {
    return { assistflowRefusedPayload: true } satisfies RefusedPayload as T;
  }
}
