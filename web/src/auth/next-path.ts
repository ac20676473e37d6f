/**
 * Where to go after login: `next` from the URL, when it is a path of this app. It comes from the address bar, so
 * anything that could leave the origin (`//host`, `/\host`, `https:`) falls back to the inbox.
 */
export function safeNext(next: string | null): string {
  return next && /^\/(?![/\\])/.test(next) && !/[\\\u0000-\u001f]/.test(next) ? next : '/';
}
