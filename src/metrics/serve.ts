import http from 'node:http';
import type { Registry } from 'prom-client';

/** `GET /metrics` of a registry in the Prometheus text format; a failed collection is a 500 the scraper marks as down. */
export async function writeMetrics(registry: Registry, res: http.ServerResponse): Promise<void> {
  try {
    const body = await registry.metrics();
    res.writeHead(200, { 'content-type': registry.contentType });
    res.end(body);
  } catch {
    res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
    res.end('metrics collection failed\n');
  }
}

export interface MetricsServer {
  /** `http://host:port`, the port the server got (0 asks for a free one). */
  url: string;
  stop(): Promise<void>;
}

/**
 * A scrape endpoint of its own, with no auth: bind it where only the scraper reaches it (a private network, loopback),
 * never on a published port. Answers `GET /metrics` and 404 to anything else.
 */
export async function serveMetrics(registry: Registry, address: { host: string; port: number }): Promise<MetricsServer> {
  const server = http.createServer((req, res) => {
    if (req.method === 'GET' && req.url?.split('?')[0] === '/metrics') return void writeMetrics(registry, res);
    res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
    res.end('not found: scrape /metrics\n');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err) => reject(new Error(`metrics endpoint cannot listen on ${address.host}:${address.port}: ${err.message}`)));
    server.listen(address.port, address.host, () => resolve());
  });
  const bound = server.address();
  const port = typeof bound === 'object' && bound ? bound.port : address.port;
  return {
    url: `http://${address.host.includes(':') ? `[${address.host}]` : address.host}:${port}`,
    async stop() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
    },
  };
}

/** `host:port` as the configuration spells addresses (`127.0.0.1:9465`, `0.0.0.0:9465`). */
export function parseHostPort(address: string): { host: string; port: number } {
  const at = address.lastIndexOf(':');
  return { host: address.slice(0, at).replace(/^\[(.*)\]$/, '$1'), port: Number(address.slice(at + 1)) };
}
