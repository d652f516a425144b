import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it, expect } from 'vitest';
import { ConfigError, JltError } from '../errors.js';
import { loadScenarioFile, loadScenarioText, validateScenarioFiles } from './load.js';

const minimal = `name: demo
target: { kind: testbed }
conferences: 2
participantsPerConference: 3
duration: 10s
`;

function issuesOf(text: string): string[] {
  try {
    loadScenarioText(text, 's.yaml');
  } catch (error) {
    if (error instanceof ConfigError) return error.message.split('\n');
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('loadScenarioText: valid scenarios', () => {
  it('applies every default', () => {
    const { scenario } = loadScenarioText(minimal, 's.yaml');
    expect(scenario).toEqual({
      name: 'demo',
      target: { kind: 'testbed', bridges: 1, octo: false, strategy: 'region' },
      executor: 'conference-grid',
      conferences: 2,
      participantsPerConference: 3,
      senders: 'all',
      duration: 10_000,
      media: { video: { width: 1280, height: 720, fps: 30 }, audio: true },
      bots: { browser: 'headless-shell', mode: { senders: 'full', receivers: 'full', probes: 0 }, renderRemoteVideo: false, receiverAudioProcessing: false, viewport: { width: 640, height: 360 }, tileView: true, overrides: [], faro: { enabled: true } },
      join: { timeout: 60_000, retries: 2, retryDelay: 2_000 },
      stats: { interval: 1_000 },
      placement: { strategy: 'spread', keepConferencesTogether: true, onAgentLoss: 'fail' },
      collect: {},
      thresholds: {},
      outputs: [],
    });
  });

  it.each([
    ['jitsi target with bridges by URL and config', `target:\n  kind: jitsi\n  url: https://meet.example.org\n  config: { p2p.enabled: false, resolution: 720 }\n  bridges: { urls: [http://jvb-0:8080] }\n`],
    ['jitsi target discovered in kubernetes', `target: { kind: jitsi, bridges: { discover: kubernetes, release: jitsi } }\n`],
    ['page target with steps', `target:\n  kind: page\n  url: http://127.0.0.1:8080/\n  steps:\n    - fill: { selector: '#name', value: bot }\n    - click: '#join'\n    - waitFor: { selector: '#ok', state: attached, timeout: 5000 }\n    - evaluate: 'window.ready === true'\n  joinedWhen: { selector: '#in' }\n`],
    ['per-participant view', `bots:\n  lastN: 4\n  overrides:\n    - { participants: [0], viewport: { width: 1920, height: 1080 }, tileView: false }\n    - { participants: [1, 2], lastN: 1 }\n`],
    ['video off, ramp over, numeric senders', `media: { video: false, audio: false }\nrampUp: { over: 1m }\nsenders: 1\n`],
    ['every output', `outputs:\n  - json: {}\n  - junit: { file: out.xml }\n`],
    ['prometheus collection with auth', `collect:\n  jvb: {}\n  prometheus:\n    url: http://prom:9090\n    tenant: t\n    auth: { basic: { username: u, passwordEnv: PROM_PASSWORD } }\n    queries: { jvb_threads: 'sum(jvm_threads)' }\n`],
    ['thresholds in both forms with tag selectors', `thresholds:\n  webrtc_rtt_ms{bridge:jvb-1}: ['p(99.9) < 300', { threshold: 'avg<100', abortOnFail: true, delayAbortEval: 30s }]\n  custom_metric: ['value>0']\n`],
  ])('%s', (_name, extra) => {
    const base = extra.startsWith('target:') ? minimal.replace('target: { kind: testbed }\n', '') : minimal;
    expect(() => loadScenarioText(base + extra, 's.yaml')).not.toThrow();
  });

  it('turns thresholds into definitions and durations into ms', () => {
    const loaded = loadScenarioText(
      `${minimal}thresholds:\n  jvb_stress: [{ threshold: 'max<0.8', abortOnFail: true, delayAbortEval: 1m }]\njoin: { timeout: 1m30s }\n`,
      's.yaml',
    );
    expect(loaded.thresholds).toHaveLength(1);
    expect(loaded.thresholds[0]).toMatchObject({ metric: 'jvb_stress', abortOnFail: true, delayAbortEvalMs: 60_000 });
    expect(loaded.scenario.join.timeout).toBe(90_000);
    expect(loaded.plan.bots).toHaveLength(6);
  });

  it('fills target.url from --target-url, then JLT_TARGET_URL', () => {
    const text = minimal.replace('{ kind: testbed }', '{ kind: jitsi, url: https://file.example }');
    const url = (options: Parameters<typeof loadScenarioText>[2]): unknown => {
      const { target } = loadScenarioText(text, 's.yaml', options).scenario;
      return target.kind === 'jitsi' ? target.url : undefined;
    };
    expect(url({})).toBe('https://file.example');
    expect(url({ env: { JLT_TARGET_URL: 'https://env.example' } })).toBe('https://env.example');
    expect(url({ env: { JLT_TARGET_URL: 'https://env.example' }, targetUrl: 'https://flag.example' })).toBe('https://flag.example');
    expect(() => url({ targetUrl: 'meet.example' })).toThrow(/--target-url must be an http/);
  });
});

describe('loadScenarioText: invalid scenarios name line, path and what is allowed', () => {
  it.each([
    ['positive integer', minimal.replace('participantsPerConference: 3', 'participantsPerConference: 0'), ['s.yaml:4: participantsPerConference: must be a positive integer (got 0)']],
    ['unknown top-level key at its line', `${minimal}extra: 1\n`, [expect.stringMatching(/^s\.yaml:6: extra: unknown key "extra"; allowed: bots, collect, conferences, /)]],
    ['missing key at the parent line', minimal.replace('duration: 10s\n', ''), ['s.yaml:1: duration: is required']],
    ['missing nested key', minimal.replace('{ kind: testbed }', '\n  kind: jitsi\n  bridges:\n    discover: kubernetes'), ['s.yaml:4: target.bridges.release: is required (a string)']],
    ['unknown target kind', minimal.replace('kind: testbed', 'kind: docker'), ['s.yaml:2: target.kind: must be one of: jitsi, testbed, page (got "docker")']],
    ['missing target kind', minimal.replace('{ kind: testbed }', '{}'), ['s.yaml:2: target.kind: is required (one of: jitsi, testbed, page)']],
    ['enum lists its values', `${minimal}placement:\n  onAgentLoss: retry\n`, ['s.yaml:7: placement.onAgentLoss: must be one of: fail, continue, redistribute (got "retry")']],
    ['bad duration', minimal.replace('10s', '10 seconds'), [expect.stringMatching(/^s\.yaml:5: duration: must be a duration such as 500ms.* \(got "10 seconds"\)$/)]],
    ['union descends into the closest branch', `${minimal}media:\n  video:\n    width: 0\n`, ['s.yaml:8: media.video.width: must be an even integer of at least 2 (got 0)']],
    ['odd video height says why', `${minimal}media:\n  video:\n    height: 241\n`, ['s.yaml:8: media.video.height: must be even: the fake camera is 4:2:0 video, whose colour planes are half the width and height (got 241)']],
    ['video side beyond VP8', `${minimal}media:\n  video:\n    width: 16384\n    height: 16\n`, ['s.yaml:8: media.video.width: must be at most 16382: VP8 codes frame sizes in 14 bits (got 16384)']],
    ['video beyond 8K', `${minimal}media:\n  video: { width: 8192, height: 8192 }\n`, [expect.stringMatching(/^s\.yaml:7: media\.video: 8192x8192 is more than 8K \(33177600 pixels\): the raw fake camera clip would take 6 GB at 30 fps/)]],
    ['union of wrong type lists the forms', `${minimal}media: { video: yes }\n`, ['s.yaml:6: media.video: must be a mapping (key: value) or false (got "yes")']],
    ['senders above participants', `${minimal}senders: 4\n`, ['s.yaml:6: senders: must be at most participantsPerConference (3) (got 4)']],
    ['lastN below -1', `${minimal}bots: { lastN: -2 }\n`, ['s.yaml:6: bots.lastN: must be -1 (no limit) or a non-negative integer (got -2)']],
    ['override of a participant the conference does not have', `${minimal}bots:\n  overrides:\n    - { participants: [0, 3], tileView: false }\n`, ['s.yaml:8: bots.overrides[0].participants[1]: must be below participantsPerConference (3): participants are counted from 0 (got 3)']],
    ['one participant in two overrides', `${minimal}bots:\n  overrides:\n    - participants: [1]\n      lastN: 2\n    - participants: [2, 1]\n`, ['s.yaml:10: bots.overrides[1].participants[1]: participant 1 is already in overrides[0]']],
    ['override without participants', `${minimal}bots:\n  overrides:\n    - { participants: [], lastN: 1 }\n`, ['s.yaml:8: bots.overrides[0].participants: must list at least one participant index']],
    ['tile view and last-N on a page target', minimal.replace('{ kind: testbed }', '{ kind: page, url: "http://localhost/", joinedWhen: { remoteMedia: any } }') + `bots:\n  tileView: false\n  overrides:\n    - { participants: [0], lastN: 1, viewport: { width: 320, height: 240 } }\n`, [
      "s.yaml:7: bots.tileView: tileView is Jitsi Meet's setting and does not apply to a page target (any web app); drop it or use target.kind jitsi or testbed",
      "s.yaml:9: bots.overrides[0].lastN: lastN is Jitsi Meet's setting and does not apply to a page target (any web app); drop it or use target.kind jitsi or testbed",
    ]],
    ['http URL', minimal.replace('{ kind: testbed }', '{ kind: jitsi, url: "ftp://x" }'), ['s.yaml:2: target.url: must be an http:// or https:// URL (got "ftp://x")']],
    ['unknown output', `${minimal}outputs:\n  - junit: {}\n  - foo: {}\n`, ['s.yaml:8: outputs[1].foo: unknown output "foo"; available: html, influxdb, json, junit, prometheus']],
    ['two outputs in one entry', `${minimal}outputs:\n  - { junit: {}, json: {} }\n`, ['s.yaml:7: outputs[0]: each output entry names exactly one output, e.g. { junit: {} } (got 2)']],
    ['unknown page step', minimal.replace('{ kind: testbed }', '\n  kind: page\n  url: http://localhost/\n  joinedWhen: { remoteMedia: any }\n  steps:\n    - tap: x'), [expect.stringMatching(/^s\.yaml:7: target\.steps\[0\]\.tap: unknown step "tap"; available: click, evaluate, fill, goto, waitFor$/)]],
    ['page target without joinedWhen', minimal.replace('{ kind: testbed }', '{ kind: page, url: "http://localhost/" }'), ['s.yaml:2: target.joinedWhen: is required for a page target: how jlt knows the app let a bot in, one of { selector: CSS }, { expression: JS } or { remoteMedia: audio | video | any }']],
    ['joinedWhen of an unknown kind', minimal.replace('{ kind: testbed }', '{ kind: page, url: "http://localhost/", joinedWhen: { remoteMedia: screen } }'), ['s.yaml:2: target.joinedWhen.remoteMedia: must be one of: audio, video, any (got "screen")']],
    ['joinedWhen with two conditions', minimal.replace('{ kind: testbed }', '{ kind: page, url: "http://localhost/", joinedWhen: { selector: "#a", expression: "1" } }'), ['s.yaml:2: target.joinedWhen.expression: unknown key "expression"; allowed: selector, state']],
    ['jitsi config key', minimal.replace('{ kind: testbed }', '{ kind: jitsi, config: { "not a key": 1 } }'), [expect.stringMatching(/^s\.yaml:2: target\.config\["not a key"\]: config keys are dotted Jitsi config paths/)]],
    ['secrets by env name only', `${minimal}collect:\n  prometheus:\n    url: http://p:9090\n    auth: { bearerTokenEnv: "s3cr3t value" }\n`, [expect.stringMatching(/^s\.yaml:9: collect\.prometheus\.auth\.bearerTokenEnv: must be an environment variable name/)]],
    ['aggregation that does not fit the metric type', `${minimal}thresholds:\n  bot_join_success: ['p(95)<1']\n`, ['s.yaml:7: thresholds.bot_join_success[0]: aggregation p(95) does not apply to a rate metric in "p(95)<1"; use one of rate, count']],
    ['malformed threshold lists aggregations', `${minimal}thresholds:\n  webrtc_rtt_ms:\n    - 'p(95)<150'\n    - 'p95 < 150'\n`, [expect.stringMatching(/^s\.yaml:9: thresholds\.webrtc_rtt_ms\[1\]: invalid threshold "p95 < 150"; expected .*aggregation one of avg, min, max, med, p\(N\), value, count, sum/)]],
    ['bad metric name at the key line', `${minimal}thresholds:\n  Bad-Name:\n    - 'avg<1'\n`, [expect.stringMatching(/^s\.yaml:7: thresholds\.Bad-Name: invalid metric name "Bad-Name"/)]],
    ['unknown executor', `${minimal}executor: ramping-vus\n`, ['s.yaml:6: executor: unknown executor "ramping-vus"; available: conference-grid']],
    ['YAML syntax error', `${minimal}media: video: false\nstats: {}\n`, [expect.stringMatching(/^s\.yaml:6: YAML syntax error: Nested mappings/)]],
    ['duplicate key', `${minimal}duration: 5s\n`, [expect.stringMatching(/^s\.yaml:6: YAML syntax error: Map keys must be unique/)]],
    ['empty file', '', ['s.yaml:1: must be a mapping (key: value) (got null)']],
    ['alias without its anchor', `${minimal}media: *camera\n`, ['s.yaml:6: YAML alias *camera has no anchor &camera before it']],
    ['alias before its anchor', `${minimal}media: *m\nbots: &m {}\n`, ['s.yaml:6: YAML alias *m has no anchor &m before it']],
    ['alias inside the block it repeats', `${minimal}target: &t { kind: jitsi, config: { loop: *t } }\n`.replace('target: { kind: testbed }\n', ''), ['s.yaml:5: YAML alias *t is inside the block &t it repeats (a cycle)']],
    [
      'billion laughs',
      `${minimal}x0: &a0 [1, 1, 1, 1, 1, 1, 1, 1, 1, 1]\n${[1, 2, 3, 4, 5, 6, 7, 8].map((n) => `x${n}: &a${n} [${Array(10).fill(`*a${n - 1}`).join(', ')}]`).join('\n')}\n`,
      [expect.stringMatching(/^s\.yaml:7: YAML aliases expand to more than 100 copies/)],
    ],
    ['control characters of the file are escaped', `${minimal}media: { video: "\u009b2J\u007f" }\n`, ['s.yaml:6: media.video: must be a mapping (key: value) or false (got "\\u009b2J\\u007f")']],
    ['control characters of a key are escaped', `${minimal}"\u009b2J": 1\n`, [expect.stringMatching(/^s\.yaml:6: \["\\u009b2J"\]: unknown key "\\u009b2J"; allowed: /)]],
    ['a plan too large to hold', minimal.replace('conferences: 2', 'conferences: 100000000'), ['s.yaml:3: conferences: conferences × participantsPerConference must be at most 100000 bots (got 100000000 × 3)']],
    ['a duration past what a number holds', minimal.replace('duration: 10s', `duration: ${'9'.repeat(400)}s`), [expect.stringMatching(/^s\.yaml:5: duration: must be at most 9007199254740991 ms/)]],
  ])('%s', (_name, text, expected) => {
    expect(issuesOf(text)).toEqual(expected);
  });

  it('reports every problem at once, in line order', () => {
    const text = `name: demo
target: { kind: testbed, bridges: 0 }
conferences: 2
participantsPerConference: 0
duration: 10s
bogus: true
thresholds:
  webrtc_rtt_ms: ['p(95)<<1']
`;
    expect(issuesOf(text)).toEqual([
      's.yaml:2: target.bridges: must be a positive integer (got 0)',
      's.yaml:4: participantsPerConference: must be a positive integer (got 0)',
      expect.stringMatching(/^s\.yaml:6: bogus: unknown key "bogus"/),
      expect.stringMatching(/^s\.yaml:8: thresholds\.webrtc_rtt_ms\[0\]: invalid threshold "p\(95\)<<1"/),
    ]);
  });
});

describe('loadScenarioFile / validateScenarioFiles', () => {
  it('names a missing file', async () => {
    await expect(loadScenarioFile('does/not/exist.yaml')).rejects.toMatchObject({
      code: 'FILE_NOT_FOUND',
      message: 'scenario file not found: does/not/exist.yaml',
    });
  });

  it('validates every file and keeps going past bad ones', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'jlt-load-'));
    try {
      const good = join(dir, 'good.yaml');
      const bad = join(dir, 'bad.yaml');
      await writeFile(good, minimal);
      await writeFile(bad, minimal.replace('conferences: 2', 'conferences: -1'));
      const results = await validateScenarioFiles([good, join(dir, 'missing.yaml'), bad]);
      expect(results.map((r) => [r.file, r.loaded !== undefined, r.error?.code])).toEqual([
        [good, true, undefined],
        [join(dir, 'missing.yaml'), false, 'FILE_NOT_FOUND'],
        [bad, false, 'INVALID_SCENARIO'],
      ]);
      expect(results[2]?.error).toBeInstanceOf(JltError);
      expect(results[2]?.error?.message).toBe(`${bad}:3: conferences: must be a positive integer (got -1)`);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
