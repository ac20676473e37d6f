import type { Express } from 'express';

/** What Express 5's router keeps of each layer (router 2.x): mounted routers have a `stack`, routes a `route`. */
interface Layer {
  rawPath?: string | RegExp | (string | RegExp)[];
  route?: { path: string | string[]; methods: Record<string, boolean> };
  handle?: { stack?: Layer[] };
}

const join = (prefix: string, path: string) => ((prefix === '/' ? '' : prefix) + (path === '/' ? '' : path)).replace(/\/+$/, '') || '/';

/**
 * Every route the app would answer, as `METHOD /path` with OpenAPI's `{param}` for Express's `:param`, found by
 * walking the router stack: mounted routers (`app.use(path, router)`) and their routes. Middleware is not a route.
 */
export function expressRoutes(app: Express): string[] {
  const routes: string[] = [];
  const walk = (stack: Layer[], prefix: string) => {
    for (const layer of stack) {
      if (layer.route) {
        for (const path of [layer.route.path].flat()) {
          for (const [method, on] of Object.entries(layer.route.methods)) {
            if (on && method !== '_all') routes.push(`${method.toUpperCase()} ${join(prefix, path).replace(/:(\w+)/g, '{$1}')}`);
          }
        }
      } else if (layer.handle?.stack) {
        for (const path of [layer.rawPath ?? '/'].flat()) {
          if (typeof path !== 'string') throw new Error(`a router mounted at ${String(path)}: name its paths as strings so they can be documented`);
          walk(layer.handle.stack, join(prefix, path));
        }
      }
    }
  };
  walk((app as unknown as { router: { stack: Layer[] } }).router.stack, '');
  return routes.sort();
}
