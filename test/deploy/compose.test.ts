import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { createApiMetrics } from '../../src/api/metrics/api-metrics';
import { configSchema, configVariables } from '../../src/config';
import type { PrismaClient } from '../../src/generated/prisma/client';
import { createLogger } from '../../src/logger';
import { createWorkerMetrics, temporalSdkMetricNames } from '../../src/temporal/worker-metrics';
import { searchAttributeDefinitions } from '../../src/temporal/search-attributes';

interface Service {
  image?: string;
  build?: unknown;
  command?: string | string[];
  entrypoint?: string | string[];
  environment?: Record<string, string | number | boolean | null> | string[];
  ports?: (string | number)[];
  expose?: (string | number)[];
  healthcheck?: { test: unknown };
  depends_on?: Record<string, { condition: string }> | string[];
  restart?: string;
  volumes?: string[];
}

// merge: Compose honours YAML `<<:` merge keys, which the file uses to share the app definition.
const compose = parse(fs.readFileSync(path.join(__dirname, '../../docker-compose.yml'), 'utf8'), { merge: true }) as {
  services: Record<string, Service>;
};
const services = compose.services;
const appServices = ['api', 'worker'] as const;

/** A service's environment as a map, whichever of Compose's two spellings is used. */
function environment(name: string): Record<string, string> {
  const env = services[name].environment ?? {};
  if (Array.isArray(env)) return Object.fromEntries(env.map((line) => [line.split('=')[0], line.split('=').slice(1).join('=')]));
  return Object.fromEntries(Object.entries(env).map(([k, v]) => [k, v == null ? '' : String(v)]));
}

/** What `docker compose` substitutes: ${VAR:-default} gives the default; ${VAR:?msg} is an operator secret, so a dummy. */
const dummySecret = 'dummy-operator-secret-0123456789abcdef';
/** Secrets with a format of their own get a dummy in that format. */
const dummySecrets: Record<string, string> = { PAYLOAD_KEYS: `dummy:${Buffer.alloc(32).toString('base64')}` };
const interpolate = (value: string) =>
  value.replace(/\$\$|\$\{(\w+)(:?[-?])?([^}]*)\}/g, (match, name: string, op?: string, arg?: string) => {
    if (match === '$$') return '$';
    if (op?.endsWith('-')) return arg ?? '';
    if (op?.endsWith('?')) return dummySecrets[name] ?? dummySecret;
    throw new Error(`\${${name}} has neither a default nor a required-error; it would silently become empty`);
  });
const resolvedEnvironment = (name: string) =>
  Object.fromEntries(Object.entries(environment(name)).map(([k, v]) => [k, interpolate(v)]));

/** Ports other containers can reach on a service: `expose` plus the container side of `ports`. */
const containerPorts = (service: Service) =>
  [...(service.expose ?? []), ...(service.ports ?? []).map((p) => String(p).split('/')[0].split(':').pop())].map(Number);

const commandLine = (service: Service) =>
  [service.entrypoint ?? [], service.command ?? []].flat().join(' ');

describe('docker-compose.yml', () => {
  it('has the production services', () => {
    expect(Object.keys(services)).toEqual(
      expect.arrayContaining(['postgres', 'temporal', 'temporal-ui', 'temporal-setup', 'migrate', 'api', 'worker', 'mailpit']),
    );
  });

  it('runs the API, the worker and the migration from one build with their own commands', () => {
    for (const name of ['migrate', ...appServices]) expect([name, services[name].build, services[name].image]).toEqual([name, '.', services.api.image]);
    expect(commandLine(services.api)).toBe('npm run start:api');
    expect(commandLine(services.worker)).toBe('npm run start:worker');
    expect(commandLine(services.migrate)).toBe('npm run db:migrate');
  });

  it.each(appServices)('%s only sets variables that src/config.ts knows, or Node its options', (name) => {
    const unknown = Object.keys(environment(name)).filter((v) => !configVariables.includes(v) && v !== 'NODE_OPTIONS');
    expect(unknown).toEqual([]);
  });

  it('bounds the worker heap, which with the bounded workflow cache keeps waiting cases under 1 GB', () => {
    expect(environment('worker').NODE_OPTIONS).toBe('--max-old-space-size=512');
    expect(environment('api').NODE_OPTIONS).toBeUndefined();
  });

  it.each(appServices)('%s sets everything production mode needs', (name) => {
    const env = environment(name);
    expect(env.APP_MODE).toBe('production');
    for (const variable of ['AUTH_SECRET', 'PAYLOAD_KEYS', 'DATABASE_URL', 'TEMPORAL_ADDRESS', 'SMTP_URL']) expect([variable, env[variable]]).toEqual([variable, expect.stringMatching(/./)]);
    // A secret must come from the operator, never from the file.
    expect(env.AUTH_SECRET).toMatch(/^\$\{AUTH_SECRET:\?[^}]+\}$/);
    expect(env.PAYLOAD_KEYS).toMatch(/^\$\{PAYLOAD_KEYS:\?[^}]+\}$/);
  });

  it.each(appServices)('%s environment passes the config schema', (name) => {
    const result = configSchema.safeParse(resolvedEnvironment(name));
    expect(result.success ? [] : result.error.issues).toEqual([]);
  });

  it('api and worker agree on the shared settings', () => {
    const shared = ['DATABASE_URL', 'TEMPORAL_ADDRESS', 'TEMPORAL_NAMESPACE', 'TEMPORAL_TASK_QUEUE', 'PAYLOAD_KEYS'];
    const pick = (name: string) => shared.map((v) => environment(name)[v]);
    expect(pick('worker')).toEqual(pick('api'));
  });

  it('temporal-setup creates exactly the search attributes the workflows define, where the app looks', () => {
    const calls = [...commandLine(services['temporal-setup']).matchAll(/search-attribute create ([^;\n]*)/g)].map((m) => m[1]);
    const flag = (call: string, name: string) => [...call.matchAll(new RegExp(`--${name}[ =](\\S+)`, 'g'))].map((m) => m[1]);
    const created = calls.flatMap((call) => {
      const [type] = flag(call, 'type');
      return flag(call, 'name').map((name) => ({ name, type }));
    });
    const byName = (a: { name: string }, b: { name: string }) => a.name.localeCompare(b.name);
    expect(created.sort(byName)).toEqual([...searchAttributeDefinitions].sort(byName));

    const api = environment('api');
    for (const call of calls) {
      expect(flag(call, 'namespace')).toEqual([api.TEMPORAL_NAMESPACE]);
      expect(flag(call, 'address')).toEqual([api.TEMPORAL_ADDRESS]);
    }
  });

  it('every host:port in a URL or address names a service that listens there', () => {
    const endpoints: { from: string; host: string; port: number }[] = [];
    const url = (from: string, value: string, defaultPort: number) => {
      const u = new URL(interpolate(value));
      endpoints.push({ from, host: u.hostname, port: Number(u.port || defaultPort) });
    };
    const hostPort = (from: string, value: string) => {
      const [host, port] = value.split(':');
      endpoints.push({ from, host, port: Number(port) });
    };
    for (const name of ['migrate', ...appServices]) {
      const env = environment(name);
      url(`${name} DATABASE_URL`, env.DATABASE_URL, 5432);
      hostPort(`${name} TEMPORAL_ADDRESS`, env.TEMPORAL_ADDRESS);
      url(`${name} SMTP_URL`, env.SMTP_URL, 25);
    }
    hostPort('temporal-ui TEMPORAL_ADDRESS', environment('temporal-ui').TEMPORAL_ADDRESS);
    const temporal = environment('temporal');
    hostPort('temporal POSTGRES_SEEDS', `${temporal.POSTGRES_SEEDS}:${temporal.DB_PORT}`);
    for (const [, address] of commandLine(services['temporal-setup']).matchAll(/--address (\S+)/g)) hostPort('temporal-setup --address', address);

    const broken = endpoints.filter(({ host, port }) => !services[host] || !containerPorts(services[host]).includes(port));
    expect(broken).toEqual([]);
    expect(endpoints.length).toBeGreaterThan(10);
  });

  it('PUBLIC_URL points at the port the api publishes', () => {
    const env = resolvedEnvironment('api');
    const publicUrl = new URL(env.PUBLIC_URL);
    const appPort = configSchema.safeParse(env).data?.PORT;
    expect(services.api.ports).toContain(`${publicUrl.port}:${appPort}`);
  });

  it('publishes only the API beyond this host; Temporal stays on the compose network and its UI on loopback, read-only', () => {
    const published = Object.entries(services).flatMap(([name, service]) => (service.ports ?? []).map((port) => ({ name, port: String(port) })));
    const onEveryInterface = published.filter(({ port }) => !port.startsWith('127.0.0.1:'));
    expect(onEveryInterface.map(({ name }) => name)).toEqual(['api']);
    expect(services.temporal.ports).toBeUndefined();
    expect(services['temporal-ui'].ports).toEqual(['127.0.0.1:8080:8080']);
    const ui = environment('temporal-ui');
    for (const variable of [
      'TEMPORAL_DISABLE_WRITE_ACTIONS',
      'TEMPORAL_WORKFLOW_TERMINATE_DISABLED',
      'TEMPORAL_WORKFLOW_CANCEL_DISABLED',
      'TEMPORAL_WORKFLOW_SIGNAL_DISABLED',
      'TEMPORAL_WORKFLOW_UPDATE_DISABLED',
      'TEMPORAL_WORKFLOW_RESET_DISABLED',
      'TEMPORAL_BATCH_ACTIONS_DISABLED',
      'TEMPORAL_START_WORKFLOW_DISABLED',
    ]) {
      expect([variable, ui[variable]]).toEqual([variable, 'true']);
    }
    // The API listens on every interface of its container, so that the published port reaches it.
    expect(configSchema.safeParse(resolvedEnvironment('api')).data?.HOST).toBe('0.0.0.0');
  });

  it('depends_on waits only on things that can report what it waits for', () => {
    for (const [name, service] of Object.entries(services)) {
      if (Array.isArray(service.depends_on)) throw new Error(`${name}: use depends_on conditions, not a plain list`);
      for (const [target, { condition }] of Object.entries(service.depends_on ?? {})) {
        expect(services[target]).toBeDefined();
        if (condition === 'service_healthy') expect([name, target, services[target].healthcheck]).toEqual([name, target, expect.anything()]);
        if (condition === 'service_completed_successfully') expect([name, target, services[target].restart]).toEqual([name, target, 'no']);
      }
    }
  });
});

describe('evidence files: MinIO in docker-compose.yml', () => {
  it('the api stores attachments in MinIO, whose bucket is made before it starts; MinIO publishes on loopback only', () => {
    const api = resolvedEnvironment('api');
    expect(api).toMatchObject({ ATTACHMENT_STORE: 's3', S3_BUCKET: 'assistflow-attachments' });
    const endpoint = new URL(api.S3_ENDPOINT);
    expect(services[endpoint.hostname]).toBe(services.minio);
    expect(containerPorts(services.minio)).toContain(Number(endpoint.port));
    for (const port of services.minio.ports ?? []) expect(String(port)).toMatch(/^127\.0\.0\.1:\d+:\d+$/);
    // The secret comes from the operator; the api and MinIO read the same variables.
    expect(environment('api').S3_SECRET_KEY).toMatch(/^\$\{MINIO_ROOT_PASSWORD:\?[^}]+\}$/);
    expect(environment('minio').MINIO_ROOT_PASSWORD).toBe(environment('api').S3_SECRET_KEY);
    expect(environment('minio').MINIO_ROOT_USER).toBe(environment('api').S3_ACCESS_KEY);
    expect(commandLine(services['minio-setup'])).toContain(`mb --ignore-existing local/${api.S3_BUCKET}`);
    expect(commandLine(services['minio-setup'])).toContain(`http://minio:${endpoint.port}`);
    expect(services.api.depends_on).toMatchObject({ 'minio-setup': { condition: 'service_completed_successfully' } });
  });
});

describe('metrics: Prometheus and Grafana in docker-compose.yml', () => {
  const deploy = (...parts: string[]) => path.join(__dirname, '../../deploy', ...parts);
  /** The host side of each bind mount, for the files a service is given. */
  const mounts = (name: string) =>
    Object.fromEntries((services[name].volumes ?? []).filter((v) => v.startsWith('./')).map((v) => [v.split(':')[1], path.join(__dirname, '../..', v.split(':')[0])]));

  it('adds prometheus and grafana, published on loopback only, with the files they read', () => {
    expect(Object.keys(services)).toEqual(expect.arrayContaining(['prometheus', 'grafana']));
    for (const name of ['prometheus', 'grafana']) {
      for (const port of services[name].ports ?? []) expect([name, String(port)]).toEqual([name, expect.stringMatching(/^127\.0\.0\.1:\d+:\d+$/)]);
      for (const file of Object.values(mounts(name))) expect([name, file, fs.existsSync(file)]).toEqual([name, file, true]);
    }
    expect(mounts('prometheus')['/etc/prometheus/prometheus.yml']).toBe(deploy('prometheus.yml'));
    expect(environment('grafana').GF_SECURITY_ADMIN_PASSWORD).toMatch(/^\$\{GRAFANA_ADMIN_PASSWORD:\?[^}]+\}$/);
  });

  it('the metrics endpoints are set, exposed to the compose network and never published', () => {
    const api = configSchema.parse(resolvedEnvironment('api'));
    const worker = configSchema.parse(resolvedEnvironment('worker'));
    expect(api.METRICS_PORT).toBeDefined();
    expect(containerPorts(services.api)).toContain(api.METRICS_PORT);
    for (const address of [worker.TEMPORAL_METRICS_ADDRESS, worker.WORKER_METRICS_ADDRESS]) {
      expect(address).toMatch(/^0\.0\.0\.0:\d+$/);
      expect(services.worker.expose?.map(Number)).toContain(Number(address!.split(':')[1]));
    }
    const published = [...(services.api.ports ?? []), ...(services.worker.ports ?? [])].map((p) => Number(String(p).split(':').pop()));
    expect(published.filter((p) => [api.METRICS_PORT, 9464, 9465].includes(p))).toEqual([]);
  });

  const prometheus = parse(fs.readFileSync(deploy('prometheus.yml'), 'utf8')) as {
    scrape_configs: { job_name: string; metrics_path?: string; static_configs?: { targets: string[] }[]; dns_sd_configs?: { names: string[]; type: string; port: number }[] }[];
  };
  const targets = prometheus.scrape_configs.flatMap((job) => [
    ...(job.static_configs ?? []).flatMap((c) => c.targets.map((t) => ({ job: job.job_name, host: t.split(':')[0], port: Number(t.split(':')[1]) }))),
    ...(job.dns_sd_configs ?? []).flatMap((c) => c.names.map((host) => ({ job: job.job_name, host, port: c.port }))),
  ]);

  it('Prometheus scrapes the API and both worker endpoints, each a service listening on that port', () => {
    expect(prometheus.scrape_configs.every((job) => (job.metrics_path ?? '/metrics') === '/metrics')).toBe(true);
    const worker = configSchema.parse(resolvedEnvironment('worker'));
    const port = (address?: string) => Number(address?.split(':')[1]);
    expect(targets.map(({ host, port }) => `${host}:${port}`).sort()).toEqual(
      [`api:${configSchema.parse(resolvedEnvironment('api')).METRICS_PORT}`, `worker:${port(worker.TEMPORAL_METRICS_ADDRESS)}`, `worker:${port(worker.WORKER_METRICS_ADDRESS)}`].sort(),
    );
    expect(targets.filter(({ host, port }) => !services[host] || !containerPorts(services[host]).includes(port))).toEqual([]);
  });

  const datasources = parse(fs.readFileSync(deploy('grafana/provisioning/datasources/prometheus.yml'), 'utf8')) as { datasources: { uid: string; type: string; url: string }[] };
  const providers = parse(fs.readFileSync(deploy('grafana/provisioning/dashboards/assistflow.yml'), 'utf8')) as { providers: { options: { path: string } }[] };
  const dashboard = JSON.parse(fs.readFileSync(deploy('grafana/dashboards/assistflow.json'), 'utf8')) as {
    uid: string;
    panels: { title: string; datasource: { uid: string }; targets: { expr: string; datasource: { uid: string } }[] }[];
  };

  it("Grafana's datasource is the compose Prometheus and its dashboards are where the provider looks", () => {
    const [datasource] = datasources.datasources;
    expect(datasource.type).toBe('prometheus');
    const url = new URL(datasource.url);
    expect(containerPorts(services[url.hostname])).toContain(Number(url.port));
    for (const { options } of providers.providers) expect(mounts('grafana')[options.path]).toBe(deploy('grafana/dashboards'));
  });

  /** Every metric this code exports: the API's and the worker's registries (read without collecting), and the SDK's names the dashboard relies on. */
  const exported = (() => {
    const nowhere = new Proxy({}, { get: () => { throw new Error('no database in this test'); } }) as PrismaClient;
    const registries = [createApiMetrics({ db: nowhere, routes: [], logger: createLogger('error', 'test') }).registry, createWorkerMetrics().registry];
    return new Set<string>([...registries.flatMap((r) => r.getMetricsAsArray().map((m) => m.name)), ...temporalSdkMetricNames]);
  })();

  it('the dashboard has the panels the issue asks for, and each query names only metrics we export', () => {
    const titles = dashboard.panels.map((p) => p.title);
    for (const wanted of [/throughput/i, /API latency p50 \/ p99/i, /overdue tasks per town/i, /slots/i, /sticky cache/i]) expect(titles).toEqual(expect.arrayContaining([expect.stringMatching(wanted)]));
    const uid = datasources.datasources[0].uid;
    for (const panel of dashboard.panels) {
      expect([panel.title, panel.datasource.uid, panel.targets.length > 0]).toEqual([panel.title, uid, true]);
      for (const target of panel.targets) {
        expect([panel.title, target.datasource.uid]).toEqual([panel.title, uid]);
        const names = [...target.expr.matchAll(/\b((?:assistflow|temporal|process|nodejs)_[a-z0-9_]+)/g)].map((m) => m[1].replace(/_(bucket|sum|count)$/, ''));
        expect([panel.title, target.expr, names.length > 0, names.filter((n) => !exported.has(n))]).toEqual([panel.title, target.expr, true, []]);
      }
    }
  });
});

