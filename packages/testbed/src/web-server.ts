import { access, readFile } from 'node:fs/promises';
import { createServer, type Server, type ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { JltError, type Logger } from '@jlt/core';
import { sanitizeRoomName } from './room-name.js';
import { SIGNALLING_PATH, type SignallingServer } from './signalling-server.js';

const staticDir = new URL('../static/', import.meta.url);
const staticFiles: Record<string, string> = {
  'meeting.js': 'text/javascript; charset=utf-8',
  'meeting.css': 'text/css; charset=utf-8',
};
/**
 * Jitsi Meet's layout and simulcast rules, compiled from `@jlt/jitsi`'s browser modules (they import
 * nothing else), served to the meeting page as `/static/jitsi/<name>.js`. They are the built files
 * even when the testbed itself runs from source (tests).
 */
const JITSI_BROWSER_MODULES = ['layout.js', 'video-quality.js'];
const jitsiBrowserDir = join(dirname(createRequire(import.meta.url).resolve('@jlt/jitsi/package.json')), 'dist', 'browser');

/** Throws when the built browser modules are missing, so the meeting page does not fail silently later. */
export async function checkStaticFiles(): Promise<void> {
  for (const name of JITSI_BROWSER_MODULES) {
    try {
      await access(join(jitsiBrowserDir, name));
    } catch {
      throw new JltError('INTERNAL', `the testbed's meeting page needs ${join(jitsiBrowserDir, name)}, which is not built`, {
        hint: 'Build the workspace first (pnpm build, or ./jlt which builds what changed).',
      });
    }
  }
}

function sendStatic(res: ServerResponse, path: string, contentType: string, logger: Logger): void {
  readFile(path)
    .then((body) => res.writeHead(200, { 'content-type': contentType, 'cache-control': 'no-store' }).end(body))
    .catch((error: unknown) => {
      logger.log('warn', 'testbed: static file missing', { file: path, error: String(error) });
      res.writeHead(500).end();
    });
}

/**
 * The meeting web server: `GET /<room>` serves the meeting page (prejoin screen, then the
 * conference), `/static/*` its script and style, and `/xmpp-websocket` upgrades to the focus's
 * signalling. Room names in the path are sanitised like the focus does.
 */
export function createWebServer(signalling: SignallingServer, logger: Logger): Server {
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://testbed');
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    const staticMatch = /^\/static\/([a-z-]+\.(?:js|css))$/.exec(url.pathname);
    const staticType = staticMatch?.[1] ? staticFiles[staticMatch[1]] : undefined;
    if (staticMatch?.[1] && staticType) {
      sendStatic(res, new URL(staticMatch[1], staticDir).pathname, staticType, logger);
      return;
    }
    const jitsiMatch = /^\/static\/jitsi\/([a-z-]+\.js)$/.exec(url.pathname);
    if (jitsiMatch?.[1] && JITSI_BROWSER_MODULES.includes(jitsiMatch[1])) {
      sendStatic(res, join(jitsiBrowserDir, jitsiMatch[1]), 'text/javascript; charset=utf-8', logger);
      return;
    }
    if (url.pathname === '/') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(indexPage());
      return;
    }
    const segments = url.pathname.split('/').filter(Boolean);
    const room = segments.length === 1 && segments[0] ? sanitizeRoomName(segments[0]) : undefined;
    if (!room) {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('not found\n');
      return;
    }
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' }).end(meetingPage(room));
  });
  server.on('upgrade', (req, socket, head) => {
    const path = new URL(req.url ?? '/', 'http://testbed').pathname;
    if (path !== SIGNALLING_PATH) {
      socket.destroy();
      return;
    }
    signalling.handleUpgrade(req, socket, head);
  });
  return server;
}

function indexPage(): string {
  return `<!doctype html><html><head><meta charset="utf-8"><title>jlt testbed</title></head>
<body><h1>jlt testbed</h1><p>Open <code>/&lt;room&gt;</code> to join a meeting.</p></body></html>`;
}

function meetingPage(room: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>${room} | jlt testbed</title>
<link rel="stylesheet" href="/static/meeting.css">
</head>
<body data-room="${room}">
<div id="prejoin" data-testid="prejoin.screen" hidden>
  <h1 class="room-name">${room}</h1>
  <input id="premeeting-name-input" type="text" autocomplete="name" placeholder="Enter your name">
  <div class="join-button" role="button" tabindex="0" data-testid="prejoin.joinMeeting">Join meeting</div>
  <div class="error" data-testid="prejoin.errorMessage" hidden></div>
</div>
<div id="conference" hidden>
  <div id="local-video-container"><video id="localVideo_container" autoplay muted playsinline></video></div>
  <div id="remote-videos"></div>
</div>
<script type="module" src="/static/meeting.js"></script>
</body>
</html>`;
}
