import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { Payload, PayloadCodec } from '@temporalio/common';
import { refusedPayload } from './refused-payload';

/** One AES-256 key. Its id travels in each payload's metadata, so payloads stay readable after the key rotates. */
export interface PayloadKey {
  id: string;
  key: Buffer;
}

export const encryptedEncoding = 'binary/encrypted';
export const keyIdMetadataKey = 'encryption-key-id';

const algorithm = 'aes-256-gcm';
const ivLength = 12;
const tagLength = 16;
const keyLength = 32;
const keyIdPattern = /^[A-Za-z0-9._-]{1,64}$/;
const base64Pattern = /^[A-Za-z0-9+/]+={0,2}$/;

/** A payload that cannot be decrypted. The message names the key id, never the data. */
export class PayloadCodecError extends Error {
  override name = 'PayloadCodecError';
}

/** A payload as the Temporal remote codec protocol and our ciphertext carry it: base64 fields. */
export interface JsonPayload {
  metadata?: Record<string, string>;
  data?: string;
}

export function payloadToJson(payload: Payload): JsonPayload {
  const metadata = Object.entries(payload.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v).toString('base64')]);
  return { metadata: Object.fromEntries(metadata), data: Buffer.from(payload.data ?? []).toString('base64') };
}

export function payloadFromJson(json: JsonPayload): Payload {
  const metadata = Object.entries(json.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64')]);
  return { metadata: Object.fromEntries(metadata), data: Buffer.from(json.data ?? '', 'base64') };
}

/**
 * Parses `id:base64,id:base64` (PAYLOAD_KEYS), the current key first. Throws one message naming each bad entry
 * by position and id, never echoing key material.
 */
export function parsePayloadKeys(value: string): PayloadKey[] {
  const problems: string[] = [];
  const keys: PayloadKey[] = [];
  for (const [index, entry] of value.split(',').map((e) => e.trim()).entries()) {
    const n = index + 1;
    const colon = entry.indexOf(':');
    const id = entry.slice(0, Math.max(colon, 0));
    const material = entry.slice(colon + 1);
    const key = Buffer.from(material, 'base64');
    if (colon < 0) problems.push(`entry ${n} must be id:base64-key`);
    else if (!keyIdPattern.test(id)) problems.push(`entry ${n}: the key id before ":" must be 1-64 letters, digits, ".", "_" or "-"`);
    else if (keys.some((k) => k.id === id)) problems.push(`entry ${n}: key id "${id}" is listed twice`);
    else if (!base64Pattern.test(material) || key.length !== keyLength) problems.push(`entry ${n} ("${id}") must be base64 of exactly ${keyLength} bytes (openssl rand -base64 32)`);
    else keys.push({ id, key });
  }
  if (problems.length) throw new Error(problems.join('; '));
  return keys;
}

/** Encrypts every payload with the first key; decrypts with whichever listed key the payload names. */
export function createPayloadCodec(keys: readonly PayloadKey[]): PayloadCodec {
  if (keys.length === 0) throw new Error('createPayloadCodec needs at least one key');
  const [current] = keys;
  const byId = new Map(keys.map((k) => [k.id, k.key]));
  return {
    async encode(payloads) {
      return payloads.map((payload) => encrypt(payload, current));
    },
    async decode(payloads) {
      return payloads.map((payload) => {
        if (metadataText(payload, 'encoding') === encryptedEncoding) return decrypt(payload, byId);
        if (isEmptyTemporalPayload(payload)) return payload;
        // Our encode never writes a payload in clear, so one in clear was written by someone without the key: a
        // forged Update, signal or start, sent to Temporal around the API.
        throw new PayloadCodecError(refusedPlaintextMessage(payload));
      });
    },
  };
}

/**
 * The worker's view of the codec: a payload it refuses becomes a refused-payload marker instead of an error, so that
 * the workflow's interceptor can drop the signal or refuse the Update that carried it (src/temporal/refused-payload.ts)
 * rather than fail every workflow task after it. Encoding is unchanged.
 */
export function markRefusedPayloads(codec: PayloadCodec): PayloadCodec {
  return {
    encode: (payloads) => codec.encode(payloads),
    async decode(payloads) {
      try {
        return await codec.decode(payloads);
      } catch (error) {
        if (!(error instanceof PayloadCodecError)) throw error;
        // One by one, so that only the refused payloads are replaced.
        return Promise.all(
          payloads.map((payload) =>
            codec.decode([payload]).then(
              ([decoded]) => decoded,
              (e: unknown) => {
                if (e instanceof PayloadCodecError) return refusedPayload();
                throw e;
              },
            ),
          ),
        );
      }
    },
  };
}

/**
 * The one payload that passes in clear: `binary/null` with no data and no other metadata, the form "no value" takes
 * without a codec. It carries nothing, so nothing can be forged with it; it is let through so that a tool of
 * Temporal's sending an empty argument is not refused. What Temporal itself sends the workers was checked against
 * the dev server (test/api/forged-temporal-requests.test.ts): its own queries (`__stack_trace`,
 * `__temporal_workflow_metadata`) carry no arguments, and a Schedule starts with the arguments our client encrypted.
 */
export function isEmptyTemporalPayload(payload: Payload): boolean {
  const keys = Object.keys(payload.metadata ?? {});
  return keys.length === 1 && metadataText(payload, 'encoding') === 'binary/null' && (payload.data?.length ?? 0) === 0;
}

function refusedPlaintextMessage(payload: Payload): string {
  const encoding = metadataText(payload, 'encoding') ?? '';
  const shown = /^[A-Za-z0-9/._+-]{1,64}$/.test(encoding) ? `"${encoding}"` : 'an unknown encoding';
  return `payload is not encrypted with a key of PAYLOAD_KEYS (${shown}): refused, only the API and the workers may send payloads`;
}

function metadataText(payload: Payload, key: string): string | undefined {
  const value = payload.metadata?.[key];
  return value ? Buffer.from(value).toString('utf8') : undefined;
}

function encrypt(payload: Payload, { id, key }: PayloadKey): Payload {
  const iv = randomBytes(ivLength);
  const cipher = createCipheriv(algorithm, key, iv, { authTagLength: tagLength });
  // Authenticating the key id too means a payload cannot be relabelled to another key.
  cipher.setAAD(Buffer.from(id));
  // The whole payload is encrypted, its own encoding metadata included.
  const plain = Buffer.from(JSON.stringify(payloadToJson(payload)));
  const data = Buffer.concat([iv, cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
  return { metadata: { encoding: Buffer.from(encryptedEncoding), [keyIdMetadataKey]: Buffer.from(id) }, data };
}

function decrypt(payload: Payload, keys: ReadonlyMap<string, Buffer>): Payload {
  const id = metadataText(payload, keyIdMetadataKey) ?? '';
  const key = keys.get(id);
  if (!key) throw new PayloadCodecError(`payload was encrypted with key id "${id}", which is not in PAYLOAD_KEYS`);
  const data = Buffer.from(payload.data ?? []);
  try {
    // authTagLength pins the tag to 16 bytes; GCM would otherwise accept a truncated, forgeable tag.
    const decipher = createDecipheriv(algorithm, key, data.subarray(0, ivLength), { authTagLength: tagLength });
    decipher.setAAD(Buffer.from(id));
    decipher.setAuthTag(data.subarray(data.length - tagLength));
    const plain = Buffer.concat([decipher.update(data.subarray(ivLength, data.length - tagLength)), decipher.final()]);
    return payloadFromJson(JSON.parse(plain.toString('utf8')) as JsonPayload);
  } catch {
    throw new PayloadCodecError(`payload encrypted with key id "${id}" failed authentication: it was altered, or that key id now names another key`);
  }
}
