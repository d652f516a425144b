import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createJvbClient, JvbRequestError, type JvbClient } from './client.js';

function fixture(name: string): string {
  return readFileSync(new URL(`../test/fixtures/${name}`, import.meta.url), 'utf8');
}

type Handler = (req: IncomingMessage, res: ServerResponse) => void;
const routes = new Map<string, Handler>();
const held: ServerResponse[] = [];
const seenAccept: string[] = [];
let server: Server;
let baseUrl: string;

function serve(status: number, body: string, type = 'application/json'): Handler {
  return (_req, res) => {
    res.writeHead(status, { 'content-type': type });
    res.end(body);
  };
}

beforeAll(async () => {
  server = createServer((req, res) => {
    seenAccept.push(String(req.headers.accept));
    const handler = routes.get(req.url ?? '');
    if (handler) handler(req, res);
    else serve(404, 'Not Found', 'text/plain')(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterEach(() => {
  routes.clear();
  for (const res of held.splice(0)) res.destroy();
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

async function failure(call: (client: JvbClient) => Promise<unknown>, client = createJvbClient(baseUrl, { timeoutMs: 1500 })): Promise<JvbRequestError> {
  try {
    await call(client);
  } catch (error) {
    expect(error).toBeInstanceOf(JvbRequestError);
    return error as JvbRequestError;
  }
  throw new Error('expected the request to fail');
}

describe('createJvbClient against a real HTTP server', () => {
  it('reads every surface from the real samples', async () => {
    routes.set('/colibri/stats', serve(200, fixture('colibri-stats.jvb-2.3.63.relay-enabled.json')));
    routes.set('/debug', serve(200, fixture('jvb-debug.legacy-2022.issue-1819.json')));
    routes.set('/about/version', serve(200, '{"name":"JVB","version":"2.3.63","os":"Linux"}'));
    routes.set('/about/health', serve(200, ''));
    routes.set('/metrics', serve(200, fixture('exporter-metrics.systemli-1.4.2.from-jvb-2.3.63.prom.txt'), 'text/plain; version=0.0.4'));
    const client = createJvbClient(baseUrl);

    const [stats, debug, version, health, metrics] = await Promise.all([client.colibriStats(), client.debug(), client.version(), client.health(), client.metrics()]);
    expect(stats.relay_id).toBe('jitsi-jvb-0');
    expect(debug.conferences).toEqual({});
    expect(version).toEqual({ name: 'JVB', version: '2.3.63', os: 'Linux' });
    expect(health).toEqual({ healthy: true, status: 200 });
    expect(metrics.find((family) => family.name === 'jitsi_threads')?.samples[0]?.value).toBe(58);
    expect(seenAccept).toContain('text/plain; version=0.0.4');
  });

  it('keeps a path prefix of the REST URL', async () => {
    routes.set('/bridge-1/about/version', serve(200, '{"name":"JVB"}'));
    await expect(createJvbClient(`${baseUrl}/bridge-1`).version()).resolves.toEqual({ name: 'JVB' });
  });

  it('reports an unhealthy bridge (5xx) as a value, not an error', async () => {
    routes.set('/about/health', serve(500, 'Health check failed', 'text/plain'));
    await expect(createJvbClient(baseUrl).health()).resolves.toEqual({ healthy: false, status: 500, detail: 'Health check failed' });
  });

  it.each([
    {
      name: 'HTTP 404 on /colibri/stats (REST API off)',
      route: ['/x', serve(200, '{}')] as const,
      call: (c: JvbClient) => c.colibriStats(),
      code: 'TARGET_UNREACHABLE',
      reason: 'http-status',
      message: '/colibri/stats: HTTP 404',
      hint: 'COLIBRI_REST_ENABLED=true',
    },
    {
      name: 'HTTP 503 on /debug',
      route: ['/debug', serve(503, 'busy', 'text/plain')] as const,
      call: (c: JvbClient) => c.debug(),
      code: 'TARGET_UNREACHABLE',
      reason: 'http-status',
      message: '/debug: HTTP 503',
      hint: 'HTTP 503',
    },
    {
      name: 'HTTP 404 on /about/health',
      route: ['/x', serve(200, '')] as const,
      call: (c: JvbClient) => c.health(),
      code: 'TARGET_UNREACHABLE',
      reason: 'http-status',
      message: '/about/health: HTTP 404',
      hint: 'videobridge.rest.health.enabled',
    },
    {
      name: 'an HTML page instead of JSON',
      route: ['/colibri/stats', serve(200, '<html>login</html>', 'text/html')] as const,
      call: (c: JvbClient) => c.colibriStats(),
      code: 'PROTOCOL_ERROR',
      reason: 'not-json',
      message: 'answer is not JSON: "<html>login</html>"',
      hint: 'not lead to a JVB REST interface',
    },
    {
      name: 'an empty body where JSON is expected',
      route: ['/about/version', serve(200, '')] as const,
      call: (c: JvbClient) => c.version(),
      code: 'PROTOCOL_ERROR',
      reason: 'not-json',
      message: '(empty body)',
      hint: 'not lead to a JVB REST interface',
    },
    {
      name: 'JSON of the wrong shape',
      route: ['/colibri/stats', serve(200, '{"stress_level":"high","conferences":1}')] as const,
      call: (c: JvbClient) => c.colibriStats(),
      code: 'PROTOCOL_ERROR',
      reason: 'schema',
      message: 'key "stress_level"',
      hint: 'JVB version',
    },
    {
      name: 'garbage metrics',
      route: ['/metrics', serve(200, 'jitsi_jvb_stress 0.1\nthis is not prometheus\n', 'text/plain')] as const,
      call: (c: JvbClient) => c.metrics(),
      code: 'PROTOCOL_ERROR',
      reason: 'not-prometheus',
      message: '/metrics:2:',
      hint: 'Prometheus text format 0.0.4',
    },
  ])('$name → $code/$reason naming the URL', async ({ route, call, code, reason, message, hint }) => {
    routes.set(route[0], route[1]);
    const error = await failure(call);
    expect(error.code).toBe(code);
    expect(error.reason).toBe(reason);
    expect(error.message).toContain(`GET ${baseUrl}/`);
    expect(error.message).toContain(message);
    expect(error.hint).toContain(hint);
  });

  it('times out on a bridge that never answers', async () => {
    routes.set('/colibri/stats', (_req, res) => held.push(res));
    const started = Date.now();
    const error = await failure((c) => c.colibriStats(), createJvbClient(baseUrl, { timeoutMs: 200 }));
    expect(error.reason).toBe('timeout');
    expect(error.code).toBe('TARGET_UNREACHABLE');
    expect(error.message).toContain('within 200 ms');
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('times out on a body that stalls after the headers', async () => {
    routes.set('/debug', (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"conferences":');
      held.push(res);
    });
    const error = await failure((c) => c.debug(), createJvbClient(baseUrl, { timeoutMs: 200 }));
    expect(error.reason).toBe('timeout');
  });

  it.each([
    ['chunked, without Content-Length', {}],
    ['with a Content-Length over the limit', { 'content-length': String(8 * 1024 * 1024) }],
  ])('stops reading a body over the limit (%s)', async (_name, headers) => {
    let written = 0;
    let closed = false;
    routes.set('/colibri/stats', (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', ...headers });
      const chunk = Buffer.alloc(64 * 1024, 0x20);
      const pump = (): void => {
        // Bounded: 8 MiB at most, against a limit of 256 KiB.
        while (!closed && written < 8 * 1024 * 1024) {
          written += chunk.length;
          if (!res.write(chunk)) return void res.once('drain', pump);
        }
        res.end();
      };
      res.on('close', () => (closed = true));
      pump();
    });
    const error = await failure((c) => c.colibriStats(), createJvbClient(baseUrl, { timeoutMs: 5000, maxBodyBytes: 256 * 1024 }));
    expect(error.reason).toBe('too-large');
    expect(error.code).toBe('PROTOCOL_ERROR');
    expect(error.message).toMatch(/exceeds the limit of 262144 bytes/);
    expect(written).toBeLessThan(4 * 1024 * 1024);
  });

  it('reports a connection cut mid-body as unreachable', async () => {
    routes.set('/colibri/stats', (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '1000' });
      res.write('{"stress_level":');
      setImmediate(() => res.destroy());
    });
    const error = await failure((c) => c.colibriStats());
    expect(error.reason).toBe('unreachable');
    expect(error.code).toBe('TARGET_UNREACHABLE');
  });

  it('reports connection refused as unreachable with the hint about the private port', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const error = await failure((c) => c.colibriStats(), createJvbClient(`http://127.0.0.1:${port}`));
    expect(error.reason).toBe('unreachable');
    expect(error.message).toBe(`GET http://127.0.0.1:${port}/colibri/stats: cannot connect (ECONNREFUSED)`);
    expect(error.hint).toContain('kubectl port-forward');
  });

  it('stops when the caller aborts', async () => {
    routes.set('/colibri/stats', (_req, res) => held.push(res));
    const controller = new AbortController();
    const client = createJvbClient(baseUrl, { signal: controller.signal, timeoutMs: 10_000 });
    const pending = failure((c) => c.colibriStats(), client);
    setTimeout(() => controller.abort(), 50);
    expect((await pending).reason).toBe('aborted');
  });

  it('maps a throwing injected fetch to unreachable', async () => {
    const fetch = (() => Promise.reject(new TypeError('fetch failed', { cause: new Error('getaddrinfo ENOTFOUND jvb') }))) as typeof globalThis.fetch;
    const error = await failure((c) => c.version(), createJvbClient('http://jvb:8080', { fetch }));
    expect(error.message).toBe('GET http://jvb:8080/about/version: cannot connect (getaddrinfo ENOTFOUND jvb)');
  });

  it.each([['not a url'], ['ftp://jvb:8080']])('rejects the REST URL %j up front', (url) => {
    expect(() => createJvbClient(url)).toThrow(/JVB REST URL/);
  });
});
