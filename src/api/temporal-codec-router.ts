import type { Payload, PayloadCodec } from '@temporalio/common';
import { maskPersonalData, toJsonValue } from '../domain/audit';
import { Router, type RequestHandler } from 'express';
import { z } from 'zod';
import type { Role } from '../domain/roles';
import type { PrismaClient } from '../generated/prisma/client';
import type { Logger } from '../logger';
import { payloadFromJson, payloadToJson, PayloadCodecError } from '../temporal/payload-codec';
import { auditContext, type AuditLog } from './audit/audit-log';
import { actorOf, requireAuth } from './auth/auth-router';
import type { TokenService } from './auth/tokens';
import { HttpError, parseOr400 } from './http-error';

/** Who may read decrypted workflow payloads (they hold households' personal data). */
const codecRoles: readonly Role[] = ['DISTRICT_APPROVER', 'ADMIN'];

export const payloadsSchema = z.object({
  // Proto JSON leaves out empty fields: `temporal` sends `{}` for no payloads.
  payloads: z.array(z.object({ metadata: z.record(z.string(), z.base64()).optional(), data: z.base64().optional() })).default([]),
});

/**
 * The Temporal remote codec server protocol, decode only (`POST /decode`, `{payloads: [...]}` with base64 fields), for
 * the Temporal web UI and `temporal --codec-endpoint`. It answers CORS preflights itself, before authentication,
 * because a browser sends no Authorization header on them; everything else is behind requireAuth.
 */
export function createTemporalCodecRouter(deps: {
  db: PrismaClient;
  tokens: TokenService;
  logger: Logger;
  audit: AuditLog;
  temporal: { payloadCodec: PayloadCodec; uiOrigin: string };
}): Router {
  const { payloadCodec, uiOrigin } = deps.temporal;
  const router = Router();
  router.use(cors(uiOrigin));
  router.use(requireAuth(deps));
  router.use((req, _res, next) => {
    if (!codecRoles.includes(actorOf(req).role)) {
      throw new HttpError(403, { error: 'forbidden', reason: '只有区级审定人员或系统管理员可以查看工作流中的加密数据' });
    }
    next();
  });

  // Decode only. An /encode would be an encryption oracle: whoever holds a district or admin token and reaches Temporal
  // could have a forged Update encrypted with our keys and send it around the API. Nothing needs it: the UI's write
  // actions are off and our queries take no arguments.
  router.post('/decode', async (req, res) => {
    const { payloads } = parseOr400(payloadsSchema, req.body);
    const result = await payloadCodec.decode(payloads.map(payloadFromJson)).catch((error: unknown) => {
      throw error instanceof PayloadCodecError ? HttpError.validation([{ path: 'payloads', message: `载荷无法解密：${error.message}` }]) : error;
    });
    // Who read personal data out of Temporal: ids only, never the payloads.
    deps.logger.info('temporal payloads decoded', { userId: actorOf(req).userId, count: payloads.length, namespace: req.get('x-namespace') });
    await deps.audit.record({ action: 'codec.decode', ...auditContext(req), target: { type: 'TemporalPayloads', id: null }, after: { count: payloads.length, namespace: req.get('x-namespace') ?? null } });
    res.json({ payloads: result.map(maskedForDisplay).map(payloadToJson) });
  });
  return router;
}

/**
 * A decoded payload as the endpoint shows it: this endpoint is for reading (the Temporal UI, `temporal
 * --codec-endpoint`), and its readers (district approvers, admins) see ID numbers and phones masked like everywhere
 * else, so JSON payloads have them masked by field name and by shape (in notes, comments, failure messages). The
 * masked payload is still a valid payload of the same encoding; the worker and the API decode with the codec itself,
 * never through here. Other encodings (binary) pass as they are.
 */
function maskedForDisplay(payload: Payload): Payload {
  const encoding = Buffer.from(payload.metadata?.encoding ?? []).toString('utf8');
  if (encoding !== 'json/plain' || !payload.data) return payload;
  try {
    const masked = maskPersonalData(toJsonValue(JSON.parse(Buffer.from(payload.data).toString('utf8'))));
    return { ...payload, data: Buffer.from(JSON.stringify(masked)) };
  } catch {
    return payload;
  }
}

function cors(origin: string): RequestHandler {
  return (req, res, next) => {
    res.vary('Origin');
    if (req.get('origin') === origin) {
      res.set({
        'Access-Control-Allow-Origin': origin,
        'Access-Control-Allow-Credentials': 'true',
        'Access-Control-Allow-Methods': 'POST',
        'Access-Control-Allow-Headers': 'Authorization, Content-Type, X-Namespace',
      });
    }
    if (req.method === 'OPTIONS') {
      res.sendStatus(204);
      return;
    }
    next();
  };
}
