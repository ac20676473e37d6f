import { randomBytes } from 'node:crypto';
import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import { ConfigError, loadConfig } from '../../src/config';
import { payloadConverter } from '../../src/temporal/payload-converter';
import { createPayloadCodec, encryptedEncoding, keyIdMetadataKey, markRefusedPayloads, PayloadCodecError, payloadToJson, type PayloadKey } from '../../src/temporal/payload-codec';
import { isRefusedPayload, refusedEncoding } from '../../src/temporal/refused-payload';

const key = (id: string): PayloadKey => ({ id, key: randomBytes(32) });
const k2025 = key('k2025');
const k2026a = key('k2026a');
const secret = { headName: '测试户主', idNumber: '11010519491231002X', note: '家中主要劳动力因病住院' };
const payload = (): Payload => defaultPayloadConverter.toPayload(secret);
const text = (bytes: Uint8Array | null | undefined) => Buffer.from(bytes ?? []).toString('utf8');

async function failureOf(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a failure');
}

describe('payload codec', () => {
  test('round trip: what is encoded decodes to the same payloads, metadata included', async () => {
    const codec = createPayloadCodec([k2026a]);
    const payloads = [payload(), defaultPayloadConverter.toPayload(undefined), defaultPayloadConverter.toPayload(new Uint8Array([0, 1, 255]))];
    const decoded = await codec.decode(await codec.encode(payloads));
    expect(decoded.map(payloadToJson)).toEqual(payloads.map(payloadToJson));
    expect(defaultPayloadConverter.fromPayload(decoded[0])).toEqual(secret);
  });

  test('the encoded payload names its encoding and key id, and shows nothing of the data', async () => {
    const [encoded] = await createPayloadCodec([k2026a, k2025]).encode([payload()]);
    expect(Object.keys(encoded.metadata ?? {}).sort()).toEqual(['encoding', keyIdMetadataKey].sort());
    expect(text(encoded.metadata?.encoding)).toBe(encryptedEncoding);
    expect(text(encoded.metadata?.[keyIdMetadataKey])).toBe('k2026a');
    for (const value of Object.values(secret)) {
      expect(text(encoded.data)).not.toContain(value);
      expect(Buffer.from(encoded.data ?? []).toString('base64')).not.toContain(Buffer.from(value).toString('base64'));
    }
    // A fresh IV each time: equal inputs do not give equal ciphertexts.
    const [again] = await createPayloadCodec([k2026a]).encode([payload()]);
    expect(text(again.data)).not.toEqual(text(encoded.data));
  });

  test('a tampered ciphertext fails without revealing the data', async () => {
    const codec = createPayloadCodec([k2026a]);
    const [encoded] = await codec.encode([payload()]);
    const data = Buffer.from(encoded.data!);
    data[20] ^= 1;
    const error = await failureOf(codec.decode([{ ...encoded, data }]));
    expect(error).toBeInstanceOf(PayloadCodecError);
    expect(error.message).toContain('"k2026a"');
    expect(error.message).toMatch(/failed authentication/);
    for (const value of Object.values(secret)) expect(error.message).not.toContain(value);
    // A truncated authentication tag is refused too.
    await expect(codec.decode([{ ...encoded, data: Buffer.from(encoded.data!).subarray(0, encoded.data!.length - 12) }])).rejects.toThrow(PayloadCodecError);
  });

  test('a payload relabelled with another listed key id fails', async () => {
    const [encoded] = await createPayloadCodec([k2025]).encode([payload()]);
    const relabelled = { ...encoded, metadata: { ...encoded.metadata, [keyIdMetadataKey]: Buffer.from('k2026a') } };
    await expect(createPayloadCodec([k2026a, k2025]).decode([relabelled])).rejects.toThrow(/"k2026a" failed authentication/);
  });

  test('rotation: data encoded with an old key decodes while that key is still listed; new data uses the current key', async () => {
    const [old] = await createPayloadCodec([k2025]).encode([payload()]);
    const rotated = createPayloadCodec([k2026a, k2025]);
    expect(defaultPayloadConverter.fromPayload((await rotated.decode([old]))[0])).toEqual(secret);
    const [fresh] = await rotated.encode([payload()]);
    expect(text(fresh.metadata?.[keyIdMetadataKey])).toBe('k2026a');
  });

  test('an unknown key id fails naming the id, never the data', async () => {
    const [old] = await createPayloadCodec([k2025]).encode([payload()]);
    const error = await failureOf(createPayloadCodec([k2026a]).decode([old]));
    expect(error).toBeInstanceOf(PayloadCodecError);
    expect(error.message).toBe('payload was encrypted with key id "k2025", which is not in PAYLOAD_KEYS');
  });

  test('a payload in clear is refused, whatever its encoding; only an empty binary/null passes (Temporal writes it)', async () => {
    const codec = createPayloadCodec([k2026a]);
    for (const plain of [payload(), defaultPayloadConverter.toPayload('x'), defaultPayloadConverter.toPayload(new Uint8Array([1])), { metadata: {}, data: Buffer.from('{}') }]) {
      const error = await failureOf(codec.decode([plain]));
      expect(error).toBeInstanceOf(PayloadCodecError);
      expect(error.message).toMatch(/not encrypted/);
      for (const value of Object.values(secret)) expect(error.message).not.toContain(value);
    }
    const empty = defaultPayloadConverter.toPayload(undefined);
    expect(text(empty.metadata?.encoding)).toBe('binary/null');
    expect(await codec.decode([empty])).toEqual([empty]);
    // binary/null carrying data, or other metadata, is not what Temporal writes.
    await expect(codec.decode([{ ...empty, data: Buffer.from('{"actor":1}') }])).rejects.toThrow(PayloadCodecError);
    await expect(codec.decode([{ metadata: { ...empty.metadata, messageType: Buffer.from('x') } }])).rejects.toThrow(PayloadCodecError);
    expect(await codec.decode([])).toEqual([]);
  });
});

describe('PAYLOAD_KEYS configuration', () => {
  const b64 = (bytes: number) => randomBytes(bytes).toString('base64');
  const problems = (env: Record<string, string>) => {
    try {
      loadConfig(env);
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      return (error as ConfigError).problems;
    }
    throw new Error('expected a ConfigError');
  };

  test('parses id:base64 entries, the current key first', () => {
    const current = b64(32);
    const config = loadConfig({ APP_MODE: 'demo', PAYLOAD_KEYS: ` k2026a:${current} , k2025:${b64(32)}` });
    expect(config.PAYLOAD_KEYS?.map((k) => [k.id, k.key.length])).toEqual([
      ['k2026a', 32],
      ['k2025', 32],
    ]);
    expect(config.PAYLOAD_KEYS?.[0].key.toString('base64')).toBe(current);
  });

  test('unset is allowed in demo mode (the start keeps a key under DATA_DIR) but required in production', () => {
    expect(loadConfig({ APP_MODE: 'demo' }).PAYLOAD_KEYS).toBeUndefined();
    expect(loadConfig({ APP_MODE: 'demo', PAYLOAD_KEYS: '' }).PAYLOAD_KEYS).toBeUndefined();
    expect(problems({ APP_MODE: 'production', AUTH_SECRET: 'x'.repeat(32) })).toEqual([
      { variable: 'PAYLOAD_KEYS', message: expect.stringContaining('is required in production mode') },
    ]);
    expect(loadConfig({ APP_MODE: 'production', AUTH_SECRET: 'x'.repeat(32), PAYLOAD_KEYS: `k1:${b64(32)}` }).PAYLOAD_KEYS).toHaveLength(1);
  });

  test('each bad entry is named by position and id, without its key material', () => {
    const short = b64(16);
    const [problem] = problems({ APP_MODE: 'demo', PAYLOAD_KEYS: `k2026a:${b64(32)},k2025:${short},${b64(32)},k2026a:${b64(32)},bad id:${b64(32)},k3:not*base64` });
    expect(problem.variable).toBe('PAYLOAD_KEYS');
    expect(problem.message).toContain('entry 2 ("k2025") must be base64 of exactly 32 bytes');
    expect(problem.message).toContain('entry 3 must be id:base64-key');
    expect(problem.message).toContain('entry 4: key id "k2026a" is listed twice');
    expect(problem.message).toContain('entry 5: the key id');
    expect(problem.message).toContain('entry 6 ("k3") must be base64');
    expect(problem.message).not.toContain(short);
  });
});

describe("the worker's marking codec", () => {
  test('a refused payload becomes a refused-payload marker the payload converter reads as one; the others decode as before', async () => {
    const codec = createPayloadCodec([k2026a]);
    const marking = markRefusedPayloads(codec);
    const [encrypted] = await codec.encode([payload()]);
    const foreign = { ...encrypted, metadata: { ...encrypted.metadata, [keyIdMetadataKey]: Buffer.from('k1999') } };
    const decoded = await marking.decode([encrypted, payload(), foreign]);
    expect(defaultPayloadConverter.fromPayload(decoded[0])).toEqual(secret);
    for (const refused of decoded.slice(1)) {
      expect(text(refused.metadata?.encoding)).toBe(refusedEncoding);
      expect(isRefusedPayload(payloadConverter.fromPayload(refused))).toBe(true);
    }
    // The marker never comes out of the converter the other way, and the codec's own decode still throws.
    expect(text(payloadConverter.toPayload({ assistflowRefusedPayload: true }).metadata?.encoding)).toBe('json/plain');
    await expect(codec.decode([payload()])).rejects.toThrow(PayloadCodecError);
    expect(await marking.encode([payload()])).toHaveLength(1);
  });
});
