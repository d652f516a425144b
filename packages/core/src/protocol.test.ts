import { describe, expect, it } from 'vitest';
import type { Sample } from './metrics/sample.js';
import {
  type AgentMessage,
  type CoordinatorMessage,
  MessageStamper,
  PROTOCOL_VERSION,
  decodeMessage,
  encodeMessage,
  sampleSchema,
} from './protocol.js';
import { packSamples } from './sample-batch.js';
import { assignedScenario } from './scenario/assigned.js';
import { loadScenarioText } from './scenario/load.js';

const env = { v: PROTOCOL_VERSION, seq: 3, ts: 1_700_000_000_000 } as const;

/** A page scenario with every page-target field set, as `jlt run` would load it. */
const PAGE_SCENARIO = `name: page
target:
  kind: page
  url: http://app.example/join.html?room={conferenceIndex}
  initScript: window.jltBot = '{bot}';
  steps:
    - fill: { selector: '#name', value: 'bot{index}' }
    - click: '#join'
    - waitFor: { selector: '#joined', state: attached, timeout: 1500ms }
  joinedWhen: { remoteMedia: video }
conferences: 1
participantsPerConference: 2
duration: 5s
media: { video: { width: 480, height: 270, fps: 15 } }
join: { timeout: 20s, retries: 0 }
placement: { strategy: pack }
`;
const assigned = assignedScenario(loadScenarioText(PAGE_SCENARIO, 'page.yaml').scenario, 'http://127.0.0.1:8080/app.html');
const bot = {
  id: 'c00-p01',
  index: 1,
  conference: 'jlt-10x3-00',
  conferenceIndex: 0,
  participantIndex: 1,
  role: 'sender',
  mode: 'full',
  startOffsetMs: 2000,
} as const;

const agentMessages: AgentMessage[] = [
  { ...env, type: 'hello', token: 't0k3n', name: 'agent-a', version: '0.1.0', capacity: { cores: 2, memoryBytes: 8e9, maxBots: 12 } },
  { ...env, agentId: 'a1', type: 'time-request', t0: 12.5 },
  { ...env, agentId: 'a1', type: 'clock-report', offsetMs: -3.5, rttMs: 1.2, uncertaintyMs: 0.6 },
  { ...env, agentId: 'a1', type: 'ready', runId: 'r1' },
  {
    ...env,
    agentId: 'a1',
    type: 'samples',
    runId: 'r1',
    samples: [{ metric: 'webrtc_rtt_ms', value: 12, time: 1, tags: { bridge: 'jvb-1' }, meta: { bot: 'c00-p01', n: 1 } }],
  },
  { ...env, agentId: 'a1', type: 'events', runId: 'r1', events: [{ time: 1, kind: 'bot-crash', level: 'error', message: 'page crashed', meta: { retry: null } }] },
  { ...env, agentId: 'a1', type: 'bot-state', runId: 'r1', botId: 'c00-p01', state: 'joined', bridge: 'jvb-1' },
  { ...env, agentId: 'a1', type: 'heartbeat', activeBots: 3 },
  { ...env, agentId: 'a1', type: 'done', runId: 'r1' },
];

const coordinatorMessages: CoordinatorMessage[] = [
  { ...env, type: 'welcome', agentId: 'a1' },
  { ...env, type: 'refused', reason: 'bad token' },
  { ...env, type: 'time-response', t0: 1, t1: 2, t2: 3 },
  {
    ...env,
    type: 'assign',
    runId: 'r1',
    scenario: assignedScenario(loadScenarioText(PAGE_SCENARIO, 'page.yaml').scenario, 'http://127.0.0.1:8080/app.html'),
    bots: [bot],
  },
  { ...env, type: 'start', runId: 'r1', atMs: 1_700_000_005_000 },
  { ...env, type: 'add-bots', runId: 'r1', bots: [bot] },
  { ...env, type: 'stop', runId: 'r1', reason: 'duration reached' },
  { ...env, type: 'ack', upToSeq: 41 },
];

describe('protocol round trip', () => {
  it.each(agentMessages.map((m) => ({ type: m.type, m })))('agent $type', ({ m }) => {
    expect(decodeMessage(encodeMessage(m), { from: 'agent' })).toEqual({ ok: true, message: m });
  });

  it.each(coordinatorMessages.map((m) => ({ type: m.type, m })))('coordinator $type', ({ m }) => {
    expect(decodeMessage(encodeMessage(m), { from: 'coordinator' })).toEqual({ ok: true, message: m });
  });

  it('decodes UTF-8 bytes as well as strings', () => {
    const bytes = new TextEncoder().encode(encodeMessage({ ...env, type: 'refused', reason: 'zu spät ✗' }));
    expect(decodeMessage(bytes, { from: 'coordinator' })).toMatchObject({ ok: true, message: { reason: 'zu spät ✗' } });
  });
});

describe('assign carries core scenario types', () => {
  it('delivers every page-target field, waitFor.timeout included, as the scenario has it', () => {
    const sent = { ...env, type: 'assign' as const, runId: 'r1', scenario: assigned, bots: [bot] };
    const received = decodeMessage(encodeMessage(sent), { from: 'coordinator' });
    if (!received.ok || received.message.type !== 'assign') throw new Error(`not an assign: ${JSON.stringify(received)}`);
    const { target, media, join, stats, bots } = received.message.scenario;
    expect(target).toEqual({
      kind: 'page',
      url: 'http://127.0.0.1:8080/app.html',
      initScript: "window.jltBot = '{bot}';",
      steps: [{ fill: { selector: '#name', value: 'bot{index}' } }, { click: '#join' }, { waitFor: { selector: '#joined', state: 'attached', timeout: 1500 } }],
      joinedWhen: { remoteMedia: 'video' },
    });
    expect(media).toEqual({ video: { width: 480, height: 270, fps: 15 }, audio: true });
    expect(join).toEqual({ timeout: 20_000, retries: 0, retryDelay: 2_000 });
    expect(stats).toEqual({ interval: 1_000 });
    expect(bots.viewport).toEqual({ width: 640, height: 360 });
    // Only the agents' part travels: placement, thresholds, outputs stay with the coordinator.
    expect(Object.keys(received.message.scenario).sort()).toEqual(['bots', 'join', 'media', 'name', 'stats', 'target']);
  });

  it('sends a Jitsi target without what only the coordinator uses', () => {
    const jitsi = loadScenarioText(
      'name: j\ntarget: { kind: jitsi, roomPrefix: load, config: { p2p.enabled: false }, bridges: { urls: ["http://jvb:8080"] } }\nconferences: 1\nparticipantsPerConference: 1\nduration: 1s\n',
      'j.yaml',
    ).scenario;
    expect(assignedScenario(jitsi, 'https://meet.example.org').target).toEqual({ kind: 'jitsi', url: 'https://meet.example.org', config: { 'p2p.enabled': false }, prejoin: true });
  });
});

describe('decodeMessage rejects', () => {
  const heartbeat = { ...env, type: 'heartbeat', activeBots: 1 };
  const cases: { name: string; data: string | Uint8Array; from?: 'agent' | 'coordinator'; maxBytes?: number; code: string; message: RegExp; type?: string; seq?: number }[] = [
    { name: 'an oversized string', data: JSON.stringify({ ...heartbeat, pad: 'x'.repeat(2000) }), maxBytes: 1024, code: 'too-large', message: /of \d+ bytes exceeds the limit of 1024 bytes/ },
    { name: 'multi-byte text over the limit', data: JSON.stringify({ ...heartbeat, pad: '✗'.repeat(400) }), maxBytes: 1024, code: 'too-large', message: /exceeds the limit of 1024/ },
    { name: 'oversized bytes', data: new Uint8Array(2048), maxBytes: 1024, code: 'too-large', message: /2048 bytes/ },
    { name: 'invalid UTF-8', data: new Uint8Array([0x7b, 0xff, 0x7d]), code: 'not-json', message: /not valid UTF-8/ },
    { name: 'non-JSON', data: '{"v":1,', code: 'not-json', message: /^message is not JSON: / },
    { name: 'a JSON array', data: '[1,2]', code: 'not-an-object', message: /not a JSON object/ },
    { name: 'a JSON string', data: '"hello"', code: 'not-an-object', message: /not a JSON object/ },
    { name: 'a newer version', data: JSON.stringify({ ...heartbeat, v: PROTOCOL_VERSION + 1 }), code: 'wrong-version', message: new RegExp(`protocol version ${PROTOCOL_VERSION + 1} is not supported; this side speaks version ${PROTOCOL_VERSION}`), type: 'heartbeat', seq: 3 },
    { name: 'an unpacked sample batch of version 1', data: JSON.stringify({ ...env, v: 1, type: 'samples', runId: 'r', samples: [{ metric: 'm', value: 1, time: 1, tags: {} }] }), code: 'wrong-version', message: /protocol version 1 is not supported/, type: 'samples' },
    { name: 'a missing version', data: JSON.stringify({ type: 'heartbeat', seq: 1, ts: 0, activeBots: 0 }), code: 'wrong-version', message: /version undefined/, type: 'heartbeat', seq: 1 },
    { name: 'an unknown type', data: JSON.stringify({ ...env, type: 'launch-missiles' }), code: 'unknown-type', message: /unknown agent message type "launch-missiles"; expected one of: hello, time-request/, type: 'launch-missiles' },
    { name: 'a coordinator type from an agent', data: JSON.stringify({ ...env, type: 'ack', upToSeq: 1 }), code: 'unknown-type', message: /unknown agent message type "ack"/ },
    { name: 'an agent type from the coordinator', data: JSON.stringify(heartbeat), from: 'coordinator', code: 'unknown-type', message: /unknown coordinator message type "heartbeat"/ },
    { name: 'a missing type', data: JSON.stringify({ ...env }), code: 'unknown-type', message: /type undefined/ },
    { name: 'a missing field', data: JSON.stringify({ ...env, type: 'ready' }), code: 'invalid', message: /^invalid ready message: runId: /, type: 'ready', seq: 3 },
    { name: 'a negative seq', data: JSON.stringify({ ...heartbeat, seq: -1 }), code: 'invalid', message: /seq: / },
    { name: 'a bad bot state', data: JSON.stringify({ ...env, type: 'bot-state', runId: 'r', botId: 'b', state: 'dancing' }), code: 'invalid', message: /state: / },
    { name: 'a sample row without a metric', data: packed({ metrics: [], tagSets: [{}], metas: [], rows: [0, 1, 1, 0, -1] }), code: 'invalid', message: /samples\.rows\.0\.metric: expected an index into metrics/ },
    { name: 'a non-string tag', data: packed({ metrics: ['m'], tagSets: [{ n: 1 }], metas: [], rows: [0, 1, 1, 0, -1] }), code: 'invalid', message: /samples\.tagSets\.0\.n: expected string/ },
    { name: 'a boolean meta value', data: packed({ metrics: ['m'], tagSets: [{}], metas: [{ ok: true }], rows: [0, 1, 1, 0, 0] }), code: 'invalid', message: /samples\.metas\.0\.ok: expected string or finite number/ },
    { name: 'a meta index out of range', data: packed({ metrics: ['m'], tagSets: [{}], metas: [], rows: [0, 1, 1, 0, 0] }), code: 'invalid', message: /samples\.rows\.0\.meta: expected -1 or an index/ },
    { name: 'a second row with a string value', data: packed({ metrics: ['m'], tagSets: [{}], metas: [], rows: [0, 1, 1, 0, -1, 0, '2', 1, 0, -1] }), code: 'invalid', message: /samples\.rows\.1\.value: expected a finite number/ },
    { name: 'a fractional tag-set index', data: packed({ metrics: ['m'], tagSets: [{}, {}], metas: [], rows: [0, 1, 1, 0.5, -1] }), code: 'invalid', message: /samples\.rows\.0\.tags: / },
    { name: 'a truncated row', data: packed({ metrics: ['m'], tagSets: [{}], metas: [], rows: [0, 1, 1, 0] }), code: 'invalid', message: /samples\.rows: expected a multiple of 5 numbers, got 4/ },
    { name: 'samples as an array of objects', data: packed([{ metric: 'm', value: 1, time: 1, tags: {} }]), code: 'invalid', message: /samples: expected object with metrics, tagSets, metas and rows/ },
    { name: 'a missing rows table', data: packed({ metrics: [], tagSets: [], metas: [] }), code: 'invalid', message: /samples\.rows: expected array/ },
    { name: 'a fractional maxBots', data: JSON.stringify({ ...env, type: 'hello', token: '', name: 'a', version: '1', capacity: { cores: 1, memoryBytes: 1, maxBots: 1.5 } }), code: 'invalid', message: /capacity\.maxBots: / },
    { name: 'a bad assign', data: JSON.stringify({ ...env, type: 'assign', runId: 'r', scenario: { ...assigned, media: { video: true, audio: true } }, bots: [{ ...bot, index: -1 }] }), from: 'coordinator', code: 'invalid', message: /scenario\.media\.video: .*bots\.0\.index: / },
    { name: 'an assign without the target URL', data: JSON.stringify({ ...env, type: 'assign', runId: 'r', scenario: { ...assigned, target: { ...assigned.target, url: undefined } }, bots: [] }), from: 'coordinator', code: 'invalid', message: /scenario\.target\.url: / },
  ];

  it.each(cases)('$name', ({ data, from = 'agent', maxBytes, code, message, type, seq }) => {
    const result = decodeMessage(data, { from, ...(maxBytes === undefined ? {} : { maxBytes }) });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe(code);
    expect(result.error.message).toMatch(message);
    if (type !== undefined) expect(result.error.type).toBe(type);
    if (seq !== undefined) expect(result.error.seq).toBe(seq);
  });

  it('caps the list of schema problems', () => {
    const bots = Array.from({ length: 20 }, () => ({ ...bot, index: -1 }));
    const result = decodeMessage(JSON.stringify({ ...env, type: 'add-bots', runId: 'r', bots }), { from: 'coordinator' });
    expect(result.ok ? '' : result.error.message).toMatch(/; and 15 more$/);
  });
});

describe('MessageStamper', () => {
  it('numbers messages from 0, stamps the clock and, once known, the agent id', () => {
    let clock = 100;
    const stamper = new MessageStamper<AgentMessage>(() => clock++);
    const hello = stamper.stamp({ type: 'hello', token: 't', name: 'a', version: '1', capacity: { cores: 1, memoryBytes: 1, maxBots: 1 } });
    stamper.agentId = 'a7';
    const heartbeat = stamper.stamp({ type: 'heartbeat', activeBots: 0 });
    expect([hello.seq, hello.ts, hello.agentId, hello.v]).toEqual([0, 100, undefined, PROTOCOL_VERSION]);
    expect([heartbeat.seq, heartbeat.ts, heartbeat.agentId]).toEqual([1, 101, 'a7']);
    expect(stamper.nextSeq).toBe(2);
    expect(decodeMessage(encodeMessage(heartbeat), { from: 'agent' }).ok).toBe(true);
  });
});

describe('the packed sample path', () => {
  const good = { metric: 'webrtc_rtt_ms', value: 1, time: 2, tags: { bridge: 'jvb-1' } };
  const raws: Record<string, unknown>[] = [
    good,
    { ...good, meta: { bot: 'c00-p01', n: 3 } },
    { ...good, extra: 'dropped', meta: {} },
    { ...good, tags: {} },
    { ...good, metric: '' },
    { ...good, metric: 'm'.repeat(201) },
    { ...good, metric: 7 },
    { ...good, value: '1' },
    { ...good, value: null },
    { ...good, value: Number.NaN },
    { ...good, time: undefined },
    { ...good, tags: [] },
    { ...good, tags: null },
    { ...good, tags: { n: 1 } },
    { ...good, meta: { ok: true } },
    { ...good, meta: [] },
    { ...good, meta: null },
  ];

  it.each(raws.map((raw) => ({ raw: JSON.stringify(raw), parsed: raw })))('agrees with sampleSchema on $raw', ({ parsed }) => {
    const reference = sampleSchema.safeParse(parsed);
    const message: AgentMessage = { ...env, agentId: 'a1', type: 'samples', runId: 'r', samples: [parsed as unknown as Sample] };
    const decoded = decodeMessage(encodeMessage(message), { from: 'agent' });
    expect(decoded.ok).toBe(reference.success);
    if (decoded.ok && decoded.message.type === 'samples') expect(decoded.message.samples).toEqual([reference.data]);
    if (!decoded.ok) expect(decoded.error.message).toMatch(/^invalid samples message: samples\.(metrics|tagSets|metas|rows)\.0/);
  });

  it('sends each distinct tag set, meta and metric once and decodes samples that share them', () => {
    const tags = { scenario: 's', agent: 'a1', conference: 'c0', bridge: 'jvb-1' };
    const samples: Sample[] = Array.from({ length: 300 }, (_, i) => ({
      metric: i % 3 === 0 ? 'webrtc_rtt_ms' : 'webrtc_jitter_ms',
      value: i,
      time: 1_000 + i,
      tags: i % 2 === 0 ? tags : { ...tags },
      ...(i % 5 === 0 ? {} : { meta: { bot: `c0-p${i % 4}` } }),
    }));
    const packedBatch = packSamples(samples);
    expect([packedBatch.metrics.length, packedBatch.tagSets.length, packedBatch.metas.length, packedBatch.rows.length]).toEqual([2, 1, 4, 1500]);
    const decoded = decodeMessage(encodeMessage({ ...env, agentId: 'a1', type: 'samples', runId: 'r', samples }), { from: 'agent' });
    if (!decoded.ok || decoded.message.type !== 'samples') throw new Error('expected a samples message');
    expect(decoded.message.samples).toEqual(samples);
    expect(decoded.message.samples[1]!.tags).toBe(decoded.message.samples[2]!.tags);
  });

  it('still checks the envelope', () => {
    const decoded = decodeMessage(JSON.stringify({ ...env, type: 'samples', samples: packSamples([]) }), { from: 'agent' });
    expect(decoded.ok ? '' : decoded.error.message).toMatch(/^invalid samples message: runId: /);
  });
});

function packed(samples: unknown): string {
  return JSON.stringify({ ...env, type: 'samples', runId: 'r', samples });
}
