import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A local HTTP server for worker e2e tests, bound to 127.0.0.1:
 * - `/room.html?room=R&bot=B`: a page that joins room R as a WebRTC peer; the first bot of a room
 *   offers, the second answers, through an in-memory mailbox (`/signal/*`). Only 127.0.0.1 candidates
 *   are exchanged, so media stays on loopback. `body[data-state]` becomes `connected`.
 * - `/meet/<room>`: a Jitsi-like page: prejoin name input and join button; joining sets
 *   `APP.conference.isJoined()` and opens an in-page loopback call whose stats say `127.0.0.1:10000`.
 * - `/stuck/<room>`: the same prejoin screen, but joining never completes.
 */
export interface FixtureServer {
  url: string;
  /** Display names that called `APP.conference.hangup()` on a `/meet/` page. */
  hangups: string[];
  close(): Promise<void>;
}

const ROOM_PAGE = `<!doctype html><html><body data-state="new"><script>
const params = new URLSearchParams(location.search);
const room = params.get('room'), bot = params.get('bot');
const loopbackOnly = (sdp) => sdp.split('\\r\\n').filter((l) => !l.startsWith('a=candidate') || l.includes(' 127.0.0.1 ')).join('\\r\\n');
const gathered = (pc) => new Promise((r) => { if (pc.iceGatheringState === 'complete') r(); else pc.addEventListener('icegatheringstatechange', () => pc.iceGatheringState === 'complete' && r()); });
async function post(path, body) { const res = await fetch(path, { method: 'POST', body: JSON.stringify(body) }); return res.json(); }
async function receive(role) {
  for (let i = 0; i < 600; i++) {
    const msg = await post('/signal/recv', { room, role });
    if (msg.sdp) return msg;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('no peer');
}
(async () => {
  const stream = await navigator.mediaDevices.getUserMedia({ video: { width: 320, height: 180 }, audio: true });
  const pc = new RTCPeerConnection();
  stream.getTracks().forEach((t) => pc.addTrack(t, stream));
  pc.addEventListener('connectionstatechange', () => { document.body.dataset.state = pc.connectionState; });
  const video = document.createElement('video');
  pc.addEventListener('track', (e) => { video.srcObject = e.streams[0]; video.play().catch(() => {}); });
  document.body.append(video);
  const { role } = await post('/signal/join', { room, bot });
  if (role === 'offerer') {
    await pc.setLocalDescription(await pc.createOffer());
    await gathered(pc);
    await post('/signal/send', { room, to: 'answerer', sdp: loopbackOnly(pc.localDescription.sdp), type: 'offer' });
    const answer = await receive('offerer');
    await pc.setRemoteDescription({ type: 'answer', sdp: answer.sdp });
  } else {
    const offer = await receive('answerer');
    await pc.setRemoteDescription({ type: 'offer', sdp: offer.sdp });
    await pc.setLocalDescription(await pc.createAnswer());
    await gathered(pc);
    await post('/signal/send', { room, to: 'offerer', sdp: loopbackOnly(pc.localDescription.sdp), type: 'answer' });
  }
})().catch((e) => { document.body.dataset.state = 'error: ' + e.message; });
</script></body></html>`;

const meetPage = (joins: boolean) => `<!doctype html><html><body>
<div data-testid="prejoin.screen"><input id="premeeting-name-input"><button data-testid="prejoin.joinMeeting">Join</button></div>
<script>
const config = {}; const userInfo = {};
for (const part of location.hash.slice(1).split('&').filter(Boolean)) {
  const [k, v] = part.split('='); const value = JSON.parse(decodeURIComponent(v));
  if (k.startsWith('config.')) config[k.slice(7)] = value; else if (k === 'userInfo.displayName') userInfo.displayName = value;
}
window.fixture = { config, userInfo, name: null };
let joined = false;
const pcs = [];
window.APP = { conference: {
  isJoined: () => joined,
  getMyUserId: () => joined ? 'ep-' + (window.fixture.name || 'x') : undefined,
  listMembers: () => [],
  getStats: () => ({ transport: joined ? [{ ip: '127.0.0.1:10000', p2p: false, type: 'udp' }] : [] }),
  hangup: async () => { pcs.forEach((pc) => pc.close()); joined = false; await fetch('/hangup?name=' + encodeURIComponent(window.fixture.name)); },
} };
async function loopbackCall() {
  const stream = await navigator.mediaDevices.getUserMedia({ video: { width: 320, height: 180 }, audio: true });
  const a = new RTCPeerConnection(), b = new RTCPeerConnection();
  pcs.push(a, b);
  const only = (to) => (e) => { if (e.candidate && e.candidate.address === '127.0.0.1') to.addIceCandidate(e.candidate); };
  a.onicecandidate = only(b); b.onicecandidate = only(a);
  stream.getTracks().forEach((t) => a.addTrack(t, stream));
  await a.setLocalDescription(await a.createOffer()); await b.setRemoteDescription(a.localDescription);
  await b.setLocalDescription(await b.createAnswer()); await a.setRemoteDescription(b.localDescription);
}
document.querySelector('[data-testid="prejoin.joinMeeting"]').addEventListener('click', () => {
  window.fixture.name = document.querySelector('#premeeting-name-input').value;
  if (!${joins}) return;
  document.querySelector('[data-testid="prejoin.screen"]').remove();
  loopbackCall().then(() => { joined = true; });
});
</script></body></html>`;

export async function startFixtureServer(): Promise<FixtureServer> {
  const hangups: string[] = [];
  const rooms = new Map<string, { bots: string[]; inbox: Record<string, { sdp: string; type: string }[]> }>();
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const html = (body: string): void => {
      res.writeHead(200, { 'content-type': 'text/html' }).end(body);
    };
    if (url.pathname === '/room.html') return html(ROOM_PAGE);
    if (url.pathname === '/hangup') {
      hangups.push(url.searchParams.get('name') ?? '');
      return html('');
    }
    if (url.pathname.startsWith('/meet/')) return html(meetPage(true));
    if (url.pathname.startsWith('/stuck/')) return html(meetPage(false));
    if (req.method === 'POST' && url.pathname.startsWith('/signal/')) {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        const msg = JSON.parse(body) as { room: string; bot?: string; role?: string; to?: string; sdp?: string; type?: string };
        let room = rooms.get(msg.room);
        if (room === undefined) rooms.set(msg.room, (room = { bots: [], inbox: { offerer: [], answerer: [] } }));
        let reply: unknown = {};
        if (url.pathname === '/signal/join') {
          room.bots.push(msg.bot ?? '');
          reply = { role: room.bots.length === 1 ? 'offerer' : 'answerer' };
        } else if (url.pathname === '/signal/send') {
          room.inbox[msg.to ?? '']?.push({ sdp: msg.sdp ?? '', type: msg.type ?? '' });
        } else if (url.pathname === '/signal/recv') {
          reply = room.inbox[msg.role ?? '']?.shift() ?? {};
        }
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(reply));
      });
      return;
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    hangups,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
