import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Bridge } from './bridge.js';
import { renderPrometheusMetrics } from './bridge-metrics.js';
import { buildColibriStats } from './colibri-stats.js';

/**
 * JVB's private REST surfaces for one bridge: `/colibri/stats`, `/debug` (`?full=true` for every
 * endpoint's state), `/debug/<confId>` and `/debug/<confId>/<epId>` (full unless `?full=false`, like
 * JVB's `Debug.java`), `/about/health` (200 with an empty JSON body when healthy), `/about/version`,
 * `/metrics`.
 */
export function createBridgeHttpServer(bridge: Bridge): Server {
  return createServer((req, res) => {
    try {
      route(bridge, req, res);
    } catch (error) {
      sendJson(res, 500, { error: String(error) });
    }
  });
}

function route(bridge: Bridge, req: IncomingMessage, res: ServerResponse): void {
  const url = new URL(req.url ?? '/', 'http://bridge');
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { allow: 'GET, HEAD' }).end();
    return;
  }
  const path = url.pathname.replace(/\/+$/, '') || '/';
  if (path === '/colibri/stats') return sendJson(res, 200, buildColibriStats(bridge.snapshot()));
  if (path === '/about/health') {
    const snapshot = bridge.snapshot();
    res.writeHead(snapshot.healthy ? 200 : 500, { 'content-type': 'application/json' }).end();
    return;
  }
  if (path === '/about/version') return sendJson(res, 200, { name: 'JVB', version: bridge.snapshot().identity.version, os: process.platform === 'linux' ? 'Linux' : process.platform });
  if (path === '/metrics') {
    const cpu = process.cpuUsage();
    const body = renderPrometheusMetrics(bridge.snapshot(), {
      cpuSecondsTotal: (cpu.user + cpu.system) / 1e6,
      residentMemoryBytes: process.memoryUsage.rss(),
    });
    res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' }).end(body);
    return;
  }
  const full = url.searchParams.get('full');
  if (path === '/debug') return sendJson(res, 200, bridge.debugState({ full: full === 'true' }));
  const debugMatch = /^\/debug\/([0-9a-f]{16})(?:\/([0-9a-f]{8}))?$/.exec(path);
  if (debugMatch?.[1]) {
    return sendJson(res, 200, bridge.debugState({ full: full !== 'false', conferenceId: debugMatch[1], ...(debugMatch[2] ? { endpointId: debugMatch[2] } : {}) }));
  }
  sendJson(res, 404, { error: `no such resource: ${path}` });
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}
