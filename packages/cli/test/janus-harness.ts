import { spawn, type ChildProcess } from 'node:child_process';
import { createReadStream, existsSync } from 'node:fs';
import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize } from 'node:path';
import { freePort, waitFor } from './cli-harness.js';

/** Debian's `janus` and `janus-demos` (scripts/bootstrap.sh --test installs them). */
export const JANUS_BIN = '/usr/bin/janus';
export const JANUS_DEMOS = '/usr/share/janus/demos';
const JANUS_LIB = '/usr/lib/x86_64-linux-gnu/janus';

export interface Janus {
  /** The Janus HTTP API, e.g. http://127.0.0.1:PORT/janus. */
  apiUrl: string;
  /** The log Janus writes, for failure messages. */
  log(): Promise<string>;
  stop(): Promise<void>;
}

/**
 * Starts Janus unprivileged on loopback: its own config folder (so nothing in /etc/janus applies),
 * only the VideoRoom plugin and the plain HTTP transport on a free 127.0.0.1 port, ICE gathered on
 * `lo` only, so media never leaves the machine. `rooms` are VideoRoom room ids to create.
 */
export async function startJanus(dir: string, rooms: readonly number[]): Promise<Janus> {
  const conf = join(dir, 'conf');
  await mkdir(conf, { recursive: true });
  const port = await freePort();
  const disabled = async (folder: string, keep: string): Promise<string> =>
    (await readdir(join(JANUS_LIB, folder))).filter((f) => f.endsWith('.so') && f !== keep).join(',');
  await writeFile(
    join(conf, 'janus.jcfg'),
    `general: {
  configs_folder = "${conf}"
  plugins_folder = "${JANUS_LIB}/plugins"
  transports_folder = "${JANUS_LIB}/transports"
  events_folder = "${JANUS_LIB}/events"
  loggers_folder = "${JANUS_LIB}/loggers"
  debug_level = 4
}
nat: { ice_enforce_list = "lo" }
plugins: { disable = "${await disabled('plugins', 'libjanus_videoroom.so')}" }
transports: { disable = "${await disabled('transports', 'libjanus_http.so')}" }
events: { broadcast = false }
loggers: { disable = "${await disabled('loggers', '')}" }
`,
  );
  await writeFile(
    join(conf, 'janus.transport.http.jcfg'),
    `general: { json = "compact" base_path = "/janus" http = true port = ${port} ip = "127.0.0.1" https = false }\nadmin: { admin_http = false }\n`,
  );
  await writeFile(
    join(conf, 'janus.plugin.videoroom.jcfg'),
    rooms.map((room) => `room-${room}: { description = "jlt test room" publishers = 6 bitrate = 256000 fir_freq = 10 }\n`).join(''),
  );
  const logFile = join(dir, 'janus.log');
  const child: ChildProcess = spawn(JANUS_BIN, ['--configs-folder', conf, '--disable-stdout', '--disable-colors', '--log-file', logFile], { stdio: 'ignore' });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const apiUrl = `http://127.0.0.1:${port}/janus`;
  const log = async (): Promise<string> => (existsSync(logFile) ? readFile(logFile, 'utf8') : '');
  try {
    await waitFor(async () => child.exitCode === null && (await fetch(`${apiUrl}/info`).then((r) => r.ok, () => false)), 15_000, `Janus answering at ${apiUrl}/info`);
  } catch (error) {
    child.kill('SIGKILL');
    throw new Error(`${(error as Error).message}\n${await log()}`, { cause: error });
  }
  return {
    apiUrl,
    log,
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5_000))]);
      if (child.exitCode === null) child.kill('SIGKILL');
    },
  };
}

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.map': 'application/json',
};

/** Serves `root` read-only on a free 127.0.0.1 port: the Janus demos are static files. */
export async function serveStatic(root: string): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer((request, response) => {
    const path = normalize(decodeURIComponent(new URL(request.url ?? '/', 'http://x').pathname)).replace(/^(\.\.[/\\])+/, '');
    const file = join(root, path);
    stat(file)
      .then((info) => {
        if (!info.isFile() || !file.startsWith(root)) throw new Error('not a file');
        response.writeHead(200, { 'content-type': CONTENT_TYPES[extname(file)] ?? 'application/octet-stream' });
        createReadStream(file).pipe(response);
      })
      .catch(() => response.writeHead(404).end());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}
