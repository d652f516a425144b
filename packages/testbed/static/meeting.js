// The testbed meeting page: Jitsi-style URL hash config, prejoin screen, one PeerConnection to the
// bridge the focus chose (the bridge always offers), and `window.APP.conference` shaped like
// jitsi-meet's for bots to read. Like Jitsi Meet's client it sends VP8 simulcast, turns encodings on
// and off as the bridge's SenderSourceConstraints ask, and sends ReceiverVideoConstraints for the
// layout it would show; the rules themselves are @jlt/jitsi's browser modules.

import { receiverLayout } from '/static/jitsi/layout.js';
import { cameraSimulcastEncodings, encodingsActiveState, senderMaxHeight } from '/static/jitsi/video-quality.js';

const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** Jitsi's parseURLParams + setConfigFromURLParams: `a.b=<JSON>` pairs, nested by dots. */
export function parseHashConfig(hash) {
  const result = {};
  const text = hash.startsWith('#') ? hash.slice(1) : hash;
  for (const part of text.split('&')) {
    if (!part) continue;
    const eq = part.indexOf('=');
    const key = eq < 0 ? part : part.slice(0, eq);
    const raw = eq < 0 ? '' : part.slice(eq + 1);
    let value;
    try {
      value = JSON.parse(decodeURIComponent(raw));
    } catch {
      continue;
    }
    const path = key.split('.');
    if (path.some((p) => !p || FORBIDDEN_KEYS.has(p))) continue;
    let node = result;
    for (const p of path.slice(0, -1)) {
      if (typeof node[p] !== 'object' || node[p] === null) node[p] = {};
      node = node[p];
    }
    node[path[path.length - 1]] = value;
  }
  return result;
}

const params = parseHashConfig(location.hash);
const config = params.config ?? {};
const interfaceConfig = params.interfaceConfig ?? {};
const userInfo = params.userInfo ?? {};
const room = document.body.dataset.room;
const prejoinEnabled = !(config.prejoinConfig?.enabled === false || config.prejoinPageEnabled === false);
const sendAudio = config.startWithAudioMuted !== true;
const sendVideo = config.startWithVideoMuted !== true && config.startAudioOnly !== true;
const statsIntervalMs = Number.isFinite(config.pcStatsInterval) && config.pcStatsInterval > 0 ? config.pcStatsInterval : 1000;
// Jitsi Meet's default capture height (config.js `resolution: 720`); a fake camera file smaller
// than that is captured at its own size, so the capture follows the scenario's media.video.
const resolution = Number.isFinite(config.resolution) && config.resolution > 0 ? config.resolution : 720;
const layoutConfig = {
  channelLastN: numberOrUndefined(config.channelLastN),
  startLastN: numberOrUndefined(config.startLastN),
  disableTileView: config.disableTileView === true,
  tileView: typeof config.tileView === 'object' && config.tileView !== null ? config.tileView : undefined,
  maxFullResolutionParticipants: numberOrUndefined(config.maxFullResolutionParticipants),
  tileViewMaxColumns: numberOrUndefined(interfaceConfig.TILE_VIEW_MAX_COLUMNS),
};
const maxBitratesVideo = config.videoQuality?.vp8?.maxBitratesVideo ?? {};

function numberOrUndefined(value) {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

const state = {
  joined: false,
  endpointId: undefined,
  conferenceId: undefined,
  bridgeId: undefined,
  region: undefined,
  members: [],
  bridgeCount: 0,
  sources: {},
  pc: undefined,
  ws: undefined,
  localStream: undefined,
  stats: emptyStats(),
  lastRaw: undefined,
  error: undefined,
  /** The layout shown and the ReceiverVideoConstraints last sent for it. */
  layout: undefined,
  sentConstraints: undefined,
  /** The bridge's last SenderSourceConstraints maxHeight for the camera (undefined: none yet, all encodings on). */
  senderMaxHeight: undefined,
  forwardedSources: [],
  videoSender: undefined,
  encodings: [],
  senderUpdate: Promise.resolve(),
};

function emptyStats() {
  return {
    connectionQuality: 100,
    jvbRTT: undefined,
    bridgeCount: 0,
    serverRegion: undefined,
    maxEnabledResolution: resolution,
    bitrate: { download: 0, upload: 0, audio: { download: 0, upload: 0 }, video: { download: 0, upload: 0 } },
    packetLoss: { download: 0, upload: 0, total: 0 },
    bandwidth: { download: 0, upload: 0 },
    resolution: {},
    framerate: {},
    codec: {},
    transport: [],
  };
}

window.APP = {
  conference: {
    isJoined: () => state.joined,
    getMyUserId: () => state.endpointId,
    getStats: () => state.stats,
    getConnectionState: () => state.pc?.iceConnectionState,
    getParticipantById: (id) => remoteMembers().find((m) => m.id === id),
    listMembers: () => remoteMembers(),
    get membersCount() {
      return state.members.length;
    },
    hangup: () => leave(),
    /** Testbed extras: which bridge the focus chose and the room's conference id. */
    getBridgeId: () => state.bridgeId,
    getConferenceId: () => state.conferenceId,
    getPeerConnection: () => state.pc,
    getError: () => state.error,
    /** The layout this page shows (tile or stage, tile height, visible remotes) and the constraints it sent. */
    getLayout: () => state.layout && { layout: state.layout.layout, height: state.layout.height, visible: state.layout.visible, onStage: state.layout.onStage },
    getReceiverConstraints: () => state.sentConstraints,
    getSenderMaxHeight: () => state.senderMaxHeight,
    getForwardedSources: () => state.forwardedSources,
  },
  config,
};

function remoteMembers() {
  return state.members
    .filter((m) => m.endpointId !== state.endpointId)
    .map((m) => ({ id: m.endpointId, displayName: m.displayName, bridgeId: m.bridgeId, getId: () => m.endpointId, getDisplayName: () => m.displayName }));
}

function showError(message) {
  state.error = message;
  const el = document.querySelector('[data-testid="prejoin.errorMessage"]');
  if (el) {
    el.textContent = message;
    el.hidden = false;
  }
}

async function getLocalMedia() {
  if (!sendAudio && !sendVideo) return undefined;
  const height = resolution;
  const width = Math.round((height * 16) / 9);
  return navigator.mediaDevices.getUserMedia({
    audio: sendAudio,
    video: sendVideo ? { width: { ideal: width }, height: { ideal: height }, frameRate: { ideal: 30 } } : false,
  });
}

async function join(displayName) {
  if (state.ws) return;
  state.localStream = await getLocalMedia();
  const local = document.getElementById('localVideo_container');
  if (state.localStream && local) local.srcObject = state.localStream;
  const pc = new RTCPeerConnection({ bundlePolicy: 'max-bundle', rtcpMuxPolicy: 'require' });
  state.pc = pc;
  pc.addEventListener('track', () => renderRemoteVideos());
  window.addEventListener('resize', () => updateReceiverConstraints());
  const ws = new WebSocket(`${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/xmpp-websocket`);
  state.ws = ws;
  let queue = Promise.resolve();
  ws.addEventListener('message', (event) => {
    let message;
    try {
      message = JSON.parse(event.data);
    } catch {
      return;
    }
    queue = queue.then(() => onMessage(message)).catch((error) => showError(String(error)));
  });
  ws.addEventListener('close', () => {
    state.joined = false;
  });
  await new Promise((resolve, reject) => {
    ws.addEventListener('open', resolve, { once: true });
    ws.addEventListener('error', () => reject(new Error('signalling connection failed')), { once: true });
  });
  const region = typeof config.deploymentInfo?.userRegion === 'string' ? config.deploymentInfo.userRegion : undefined;
  ws.send(JSON.stringify({ type: 'join', room, displayName, sendAudio: Boolean(state.localStream?.getAudioTracks().length), sendVideo: Boolean(state.localStream?.getVideoTracks().length), ...(region ? { region } : {}) }));
  document.getElementById('prejoin').hidden = true;
  document.getElementById('conference').hidden = false;
  setInterval(() => void collectStats(), statsIntervalMs);
}

/**
 * `config.testbed.pageErrors=true`: once joined, the page misbehaves the way pages of real
 * deployments do — an uncaught error, an unhandled promise rejection, a console error and a console
 * warning — so that collecting a page's own errors can be tested. The conference is unaffected.
 */
function misbehave() {
  console.warn('testbed: pageErrors is on; this page throws and logs errors on purpose');
  console.error('testbed: simulated console error');
  setTimeout(() => {
    throw new TypeError('testbed: simulated uncaught error');
  }, 0);
  void Promise.reject(new Error('testbed: simulated unhandled rejection'));
}

async function onMessage(message) {
  switch (message.type) {
    case 'joined':
      state.endpointId = message.endpointId;
      state.conferenceId = message.conferenceId;
      state.bridgeId = message.bridgeId;
      state.region = message.region;
      state.joined = true;
      if (config.testbed?.pageErrors === true) misbehave();
      return;
    case 'members':
      state.members = message.members;
      state.bridgeCount = message.bridgeCount;
      updateReceiverConstraints();
      return;
    case 'offer': {
      const pc = state.pc;
      state.sources = message.sources;
      await pc.setRemoteDescription({ type: 'offer', sdp: message.sdp });
      await attachLocalTracks();
      await pc.setLocalDescription(await pc.createAnswer());
      state.ws.send(JSON.stringify({ type: 'answer', sdp: pc.localDescription.sdp }));
      // Encodings are set once the answer is applied, after every offer: a re-offer that lists the
      // simulcast RIDs again resets Chromium's encodings (all active, default scales and bitrates), and
      // lib-jitsi-meet re-applies its encodings after every renegotiation too.
      if (state.videoSender) await applySenderEncodings();
      renderRemoteVideos();
      updateReceiverConstraints();
      return;
    }
    case 'bridge-channel':
      onBridgeChannelMessage(message.message);
      return;
    case 'error':
      showError(`${message.code}: ${message.message}`);
      return;
    default:
      return;
  }
}

/**
 * The bridge offers one recvonly m-line per kind the page sends; the page answers it sendonly with its
 * track. The offer lists RIDs 1, 2, 3, so Chromium creates three encodings, which get Jitsi Meet's
 * scale factors and bitrates for the capture height.
 */
async function attachLocalTracks() {
  const stream = state.localStream;
  if (!stream) return;
  for (const t of state.pc.getTransceivers()) {
    if (t.mid === null || state.sources[t.mid] || t.sender.track || t.currentDirection === 'sendonly') continue;
    const track = stream.getTracks().find((x) => x.kind === t.receiver.track.kind);
    if (!track) continue;
    t.direction = 'sendonly';
    await t.sender.replaceTrack(track);
    if (track.kind !== 'video') continue;
    state.videoSender = t.sender;
    state.encodings = cameraSimulcastEncodings(captureHeight(), maxBitratesVideo);
  }
}

function captureHeight() {
  return state.localStream?.getVideoTracks()[0]?.getSettings().height ?? resolution;
}

/** Sets scale, bitrate and the on/off state the last sender constraint calls for, one update at a time. */
function applySenderEncodings() {
  state.senderUpdate = state.senderUpdate.then(async () => {
    const sender = state.videoSender;
    if (!sender) return;
    const height = captureHeight();
    const active =
      state.senderMaxHeight === undefined ? state.encodings.map(() => true) : encodingsActiveState(height, state.encodings, senderMaxHeight(state.senderMaxHeight));
    const parameters = sender.getParameters();
    const single = parameters.encodings.length === 1;
    for (const encoding of parameters.encodings) {
      // Without RIDs (one encoding) the page sends the top stream alone.
      const wanted = state.encodings.find((e) => e.rid === encoding.rid) ?? state.encodings[state.encodings.length - 1];
      encoding.scaleResolutionDownBy = single ? 1 : wanted.scaleResolutionDownBy;
      encoding.maxBitrate = wanted.maxBitrate;
      encoding.active = single ? active.some(Boolean) : (active[state.encodings.indexOf(wanted)] ?? true);
    }
    await sender.setParameters(parameters);
  }).catch((error) => showError(`could not set the video encodings: ${error}`));
  return state.senderUpdate;
}

function onBridgeChannelMessage(message) {
  if (message?.colibriClass === 'SenderSourceConstraints' && message.sourceName === `${state.endpointId}-v0`) {
    state.senderMaxHeight = message.maxHeight;
    void applySenderEncodings();
  } else if (message?.colibriClass === 'ForwardedSources') {
    state.forwardedSources = message.forwardedSources;
  }
}

/** Recomputes the layout and sends ReceiverVideoConstraints when they changed (lib-jitsi-meet dedupes the same way). */
function updateReceiverConstraints() {
  if (!state.ws || state.ws.readyState !== WebSocket.OPEN || !state.endpointId) return;
  const videoSourceByEndpoint = new Map();
  for (const source of Object.values(state.sources)) if (source.kind === 'video') videoSourceByEndpoint.set(source.endpointId, source.sourceName);
  const remotes = state.members
    .filter((m) => m.endpointId !== state.endpointId)
    .map((m) => ({ endpointId: m.endpointId, displayName: m.displayName, ...(videoSourceByEndpoint.has(m.endpointId) ? { videoSourceName: videoSourceByEndpoint.get(m.endpointId) } : {}) }));
  const layout = receiverLayout({ clientWidth: window.innerWidth, clientHeight: window.innerHeight, remotes, config: layoutConfig });
  state.layout = layout;
  document.getElementById('conference').dataset.layout = layout.layout;
  const text = JSON.stringify(layout.message);
  if (text === JSON.stringify(state.sentConstraints)) return;
  state.sentConstraints = layout.message;
  state.ws.send(JSON.stringify({ type: 'bridge-channel', message: layout.message }));
}

function renderRemoteVideos() {
  const container = document.getElementById('remote-videos');
  const pc = state.pc;
  if (!container || !pc) return;
  const wanted = new Map();
  for (const t of pc.getTransceivers()) {
    const source = t.mid === null ? undefined : state.sources[t.mid];
    if (source && t.receiver.track) wanted.set(t.mid, { source, track: t.receiver.track });
  }
  for (const el of [...container.children]) {
    if (!wanted.has(el.dataset.mid)) el.remove();
  }
  for (const [mid, { source, track }] of wanted) {
    if (container.querySelector(`[data-mid="${CSS.escape(mid)}"]`)) continue;
    const el = document.createElement(source.kind === 'video' ? 'video' : 'audio');
    el.dataset.mid = mid;
    el.dataset.endpointId = source.endpointId;
    el.dataset.kind = source.kind;
    el.autoplay = true;
    el.muted = true;
    el.playsInline = true;
    el.id = `participant_${source.endpointId}_${source.kind}`;
    el.srcObject = new MediaStream([track]);
    container.appendChild(el);
  }
}

async function collectStats() {
  const pc = state.pc;
  if (!pc) return;
  const report = await pc.getStats();
  const now = performance.now();
  const raw = { at: now, bytes: { audio: { in: 0, out: 0 }, video: { in: 0, out: 0 } }, lost: 0, received: 0 };
  const stats = emptyStats();
  stats.bridgeCount = state.bridgeCount;
  stats.serverRegion = state.region;
  if (state.senderMaxHeight !== undefined) stats.maxEnabledResolution = Math.min(resolution, senderMaxHeight(state.senderMaxHeight));
  let pairId;
  for (const s of report.values()) if (s.type === 'transport' && s.selectedCandidatePairId) pairId = s.selectedCandidatePairId;
  for (const s of report.values()) {
    if (s.type === 'inbound-rtp' && (s.kind === 'audio' || s.kind === 'video')) {
      raw.bytes[s.kind].in += s.bytesReceived ?? 0;
      raw.lost += Math.max(0, s.packetsLost ?? 0);
      raw.received += s.packetsReceived ?? 0;
      const source = s.mid === undefined ? undefined : state.sources[s.mid];
      if (s.kind === 'video' && source) {
        (stats.resolution[source.endpointId] ??= {})[s.ssrc] = { height: s.frameHeight ?? 0, width: s.frameWidth ?? 0 };
        (stats.framerate[source.endpointId] ??= {})[s.ssrc] = s.framesPerSecond ?? 0;
      }
    }
    if (s.type === 'outbound-rtp' && (s.kind === 'audio' || s.kind === 'video')) {
      raw.bytes[s.kind].out += s.bytesSent ?? 0;
      if (s.kind === 'video' && state.endpointId) {
        (stats.resolution[state.endpointId] ??= {})[s.ssrc] = { height: s.frameHeight ?? 0, width: s.frameWidth ?? 0 };
        (stats.framerate[state.endpointId] ??= {})[s.ssrc] = s.framesPerSecond ?? 0;
      }
    }
    if (s.type === 'candidate-pair' && (s.id === pairId || (!pairId && s.nominated && s.state === 'succeeded'))) {
      const localCandidate = report.get(s.localCandidateId);
      const remoteCandidate = report.get(s.remoteCandidateId);
      if (localCandidate && remoteCandidate) {
        stats.transport = [
          {
            ip: `${remoteCandidate.address ?? remoteCandidate.ip}:${remoteCandidate.port}`,
            localip: `${localCandidate.address ?? localCandidate.ip}:${localCandidate.port}`,
            type: remoteCandidate.protocol ?? 'udp',
            p2p: false,
            localCandidateType: localCandidate.candidateType,
            remoteCandidateType: remoteCandidate.candidateType,
            networkType: localCandidate.networkType,
            rtt: typeof s.currentRoundTripTime === 'number' ? Math.round(s.currentRoundTripTime * 1000) : undefined,
          },
        ];
        if (typeof s.currentRoundTripTime === 'number') stats.jvbRTT = Math.round(s.currentRoundTripTime * 1000);
      }
    }
  }
  const prev = state.lastRaw;
  if (prev) {
    const seconds = (now - prev.at) / 1000;
    const kbps = (a, b) => (seconds > 0 ? Math.max(0, Math.round(((b - a) * 8) / 1000 / seconds)) : 0);
    for (const kind of ['audio', 'video']) {
      stats.bitrate[kind].download = kbps(prev.bytes[kind].in, raw.bytes[kind].in);
      stats.bitrate[kind].upload = kbps(prev.bytes[kind].out, raw.bytes[kind].out);
    }
    stats.bitrate.download = stats.bitrate.audio.download + stats.bitrate.video.download;
    stats.bitrate.upload = stats.bitrate.audio.upload + stats.bitrate.video.upload;
    const lost = raw.lost - prev.lost;
    const total = lost + raw.received - prev.received;
    stats.packetLoss.download = total > 0 ? Math.round((lost / total) * 100) : 0;
    stats.packetLoss.total = stats.packetLoss.download;
  }
  state.lastRaw = raw;
  state.stats = stats;
}

function leave() {
  state.ws?.close();
  state.pc?.close();
  state.joined = false;
}

function start() {
  const input = document.getElementById('premeeting-name-input');
  const button = document.querySelector('[data-testid="prejoin.joinMeeting"]');
  const displayName = typeof userInfo.displayName === 'string' ? userInfo.displayName : '';
  input.value = displayName;
  const go = () => {
    button.setAttribute('aria-disabled', 'true');
    join(input.value.trim()).catch((error) => {
      button.removeAttribute('aria-disabled');
      showError(String(error));
    });
  };
  if (!prejoinEnabled) {
    join(displayName).catch((error) => showError(String(error)));
    return;
  }
  document.getElementById('prejoin').hidden = false;
  button.addEventListener('click', go);
  input.addEventListener('keydown', (event) => {
    if (event.key === 'Enter') go();
  });
}

start();
