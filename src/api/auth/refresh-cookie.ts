import type { Request, Response } from 'express';

/**
 * The refresh token as a cookie, for the web app: HttpOnly (no script reads it), SameSite=Strict (no other site's
 * page sends it), scoped to /api/auth (no other request carries it), Secure when the request came over HTTPS.
 * The JSON body keeps carrying the token too, for the API's other clients.
 */
export const refreshCookieName = 'assistflow_refresh';
const cookiePath = '/api/auth';

export function setRefreshCookie(req: Request, res: Response, refreshToken: string, expiresAt: Date): void {
  res.cookie(refreshCookieName, refreshToken, {
    httpOnly: true,
    sameSite: 'strict',
    secure: req.secure,
    path: cookiePath,
    expires: expiresAt,
  });
}

export function clearRefreshCookie(req: Request, res: Response): void {
  res.clearCookie(refreshCookieName, { httpOnly: true, sameSite: 'strict', secure: req.secure, path: cookiePath });
}

/** The cookie's value, or undefined (absent, or not percent-decodable). */
export function readRefreshCookie(req: Request): string | undefined {
  for (const part of (req.get('cookie') ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0 || part.slice(0, eq).trim() !== refreshCookieName) continue;
    try {
      return decodeURIComponent(part.slice(eq + 1).trim()) || undefined;
    } catch {
      return undefined;
    }
  }
  return undefined;
}
