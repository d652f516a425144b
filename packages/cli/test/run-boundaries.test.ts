import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestbed, type Testbed } from '@jlt/testbed';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { freePort, jlt, jltBin, killTree, queryResults, spawnJlt, waitFor, type CliResult } from './cli-harness.js';

/*
 * What `jlt run` does at its edges: input it must refuse at once (exit 2, a clear message, no stack
 * trace, nothing started), a threshold that aborts the run (exit 5), and secrets that must not
 * reach any file of the results, stdout or stderr.
 */

let dir: string;
const children: ChildProcess[] = [];

beforeAll(async () => {
  expect(existsSync(jltBin), `build the CLI first: npx tsc -b packages/cli (${jltBin} is missing)`).toBe(true);
  dir = await mkdtemp(join(tmpdir(), 'jlt-boundaries-'));
});

afterEach(() => {
  for (const child of children.splice(0)) killTree(child.pid);
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function scenarioFile(name: string, body: string): Promise<string> {
  const file = join(dir, `${name}.yaml`);
  await writeFile(file, `name: ${name}\nmedia: { video: { width: 320, height: 180, fps: 10 }, audio: false }\n${body}`);
  return file;
}

function expectUsageError(result: CliResult, message: string): void {
  expect(result.code, result.stderr).toBe(2);
  expect(result.stderr).toContain(message);
  expect(result.stderr).not.toMatch(/internal error|\n\s+at /);
}

/** Every file under `root`, recursively. */
async function filesUnder(root: string): Promise<string[]> {
  const entries = await readdir(root, { recursive: true });
  const files: string[] = [];
  for (const entry of entries) if ((await stat(join(root, entry))).isFile()) files.push(join(root, entry));
  return files;
}

/** Fails naming the file (or stream) any canary appears in; the results are read as bytes. */
async function expectNoCanary(canaries: readonly string[], results: string, streams: Record<string, string>): Promise<number> {
  const files = await filesUnder(results);
  expect(files.length).toBeGreaterThan(3);
  for (const file of files) {
    const bytes = await readFile(file);
    for (const canary of canaries) expect(bytes.includes(canary), `${canary} in ${file}`).toBe(false);
  }
  for (const [name, text] of Object.entries(streams)) for (const canary of canaries) expect(text.includes(canary), `${canary} in ${name}`).toBe(false);
  return files.length;
}

/** A Prometheus query API that wants `authorization` and answers every query with one point. */
async function fakePrometheus(authorization: string): Promise<{ url: string; headers: IncomingHttpHeaders[]; server: Server }> {
  const headers: IncomingHttpHeaders[] = [];
  const server = createServer((request, response) => {
    headers.push(request.headers);
    if (request.headers.authorization !== authorization) {
      response.writeHead(401).end('unauthorized');
      return;
    }
    const now = Date.now() / 1000;
    const matrix = { resultType: 'matrix', result: [{ metric: { job: 'probe' }, values: [[now, '1']] }] };
    response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ status: 'success', data: matrix }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, headers, server };
}

describe('jlt run refuses bad input at once', () => {
  it.each([
    [['--agents', '0'], '--agents must be a positive whole number (got "0")'],
    [['--agents', 'abc'], '--agents must be a positive whole number (got "abc")'],
    [['--wait-agents', '2'], '--wait-agents needs --token-file'],
    [['--tls-cert', 'cert.pem'], '--tls-cert and --tls-key go together'],
    [['--out', 'influxdb2'], 'unknown output "influxdb2"; available: html, influxdb, json, junit, prometheus'],
  ])('%j: exit 2 naming the flag', async (flags, message) => {
    expectUsageError(await jlt(['run', 'scenarios/testbed-smoke.yaml', ...flags]), message);
  });

  it.each(['/proc/forbidden', '/etc/passwd/x'])('--results %s: exit 2 before the target starts, naming the directory', async (results) => {
    const result = await jlt(['run', 'scenarios/testbed-smoke.yaml', '--results', results], { timeoutMs: 10_000 });
    expectUsageError(result, `error: cannot create the results directory ${results}: `);
    // Checked before anything starts: no testbed, and well under a testbed's start (a wall-clock bound
    // alone failed at 1009 ms on a loaded 2-core machine).
    expect(result.stderr).not.toContain('testbed up at');
    expect(result.durationMs).toBeLessThan(5_000);
  });

  it.each([
    ['jitsi', 'unreachable'],
    ['page', 'unreachable'],
    ['page', 'missing'],
  ])('a %s target whose URL is %s leaves the results directory empty', async (kind, problem) => {
    const port = await freePort();
    const fields = [`kind: ${kind}`, ...(problem === 'missing' ? [] : [`url: 'http://127.0.0.1:${port}/room'`]), ...(kind === 'page' ? ["joinedWhen: { selector: '#in' }"] : [])];
    const file = await scenarioFile(`${kind}-${problem}`, `target: { ${fields.join(', ')} }\nconferences: 1\nparticipantsPerConference: 1\nduration: 5s\n`);
    const results = join(dir, `${kind}-${problem}`);
    const result = await jlt(['run', file, '--results', results], { timeoutMs: 15_000 });
    expect(result.stderr).toContain(problem === 'missing' ? 'error: no target URL: the scenario has no target.url' : `error: target http://127.0.0.1:${port}/room is unreachable: ECONNREFUSED`);
    expect(result.code, result.stderr).toBe(problem === 'missing' ? 2 : 3);
    expect(result.stderr).not.toMatch(/internal error|\n\s+at |run .*: results in/);
    // --results is checked first (created empty), as for a plan too big: nothing of a run is in it.
    expect(existsSync(results) ? await readdir(results) : []).toEqual([]);
  });

  it('a plan larger than the agents fit fails before anything starts, without blaming the resolution', async () => {
    const file = await scenarioFile('too-big', 'target: { kind: testbed }\nconferences: 2\nparticipantsPerConference: 5\nduration: 30s\n');
    const results = join(dir, 'too-big');
    const result = await jlt(['run', file, '--results', results], { timeoutMs: 30_000 });
    // Full bots on the default headless shell take 0.88 of a full chromium bot's room each (bench/README.md).
    expectUsageError(result, 'error: the plan has 10 bots taking the room of 8.79 full chromium bots but this machine has room for ');
    expect(result.stderr).toContain('--max-bots N');
    expect(result.stderr).not.toMatch(/resolution|testbed up|bots joined/);
    expect(await readdir(results)).toEqual([]);
  });
});

describe('jlt run at its limits', () => {
  let testbed: Testbed | undefined;
  let prometheus: Awaited<ReturnType<typeof fakePrometheus>> | undefined;

  afterAll(async () => {
    await testbed?.stop();
    await new Promise((resolve) => prometheus?.server.close(resolve));
  });

  it('abortOnFail ends the run early with exit 5; its Prometheus bearer token appears nowhere', async () => {
    const bearer = 'CanaryBearer-6d1f0a97';
    prometheus = await fakePrometheus(`Bearer ${bearer}`);
    const file = await scenarioFile(
      'abort',
      `target: { kind: testbed }
conferences: 1
participantsPerConference: 1
duration: 60s
collect:
  prometheus: { url: ${prometheus.url}, interval: 1s, auth: { bearerTokenEnv: JLT_TEST_BEARER }, queries: { probe_value: up } }
thresholds:
  webrtc_rtt_ms: [{ threshold: 'max<0', abortOnFail: true }]
`,
    );
    const results = join(dir, 'abort');
    const result = await jlt(['run', file, '--results', results], { timeoutMs: 90_000, env: { JLT_TEST_BEARER: bearer } });
    expect(result.code, `${result.stdout}\n${result.stderr}`).toBe(5);
    expect(result.stdout).toContain("run ended: threshold webrtc_rtt_ms max<0 failed (abortOnFail)");
    const run = JSON.parse(await readFile(join(results, 'run.json'), 'utf8')) as { status: string; startedAt: string; endedAt: string };
    expect(run.status).toBe('aborted');
    expect(Date.parse(run.endedAt) - Date.parse(run.startedAt), 'ended long before its 60 s hold').toBeLessThan(30_000);
    expect(prometheus.headers.some((h) => h.authorization === `Bearer ${bearer}`), 'the token was used').toBe(true);
    await expectNoCanary([bearer], results, { stdout: result.stdout, stderr: result.stderr });
  });

  it('keeps the agent token, a Prometheus password and a URL password out of every result file, stdout and stderr', async () => {
    const token = 'CanaryToken-3b8e51c4d2';
    const promPassword = 'CanaryPromPw-90ab17';
    const urlPassword = 'CanaryUrlPw-c3f5e2';
    testbed = await startTestbed({ logger: { log: () => {} } });
    prometheus = await fakePrometheus(`Basic ${Buffer.from(`jlt:${promPassword}`).toString('base64')}`);
    const tokenFile = join(dir, 'token');
    await writeFile(tokenFile, token, { mode: 0o600 });
    const file = await scenarioFile(
      'secrets',
      `target: { kind: jitsi }
conferences: 1
participantsPerConference: 1
duration: 3s
join: { timeout: 20s, retries: 0 }
collect:
  prometheus: { url: ${prometheus.url}, interval: 1s, auth: { basic: { username: jlt, passwordEnv: JLT_TEST_PROM_PASSWORD } }, queries: { probe_value: up } }
outputs: [{ junit: {} }, { json: {} }]
`,
    );
    const results = join(dir, 'secrets');
    const port = await freePort();
    const targetUrl = testbed.url.replace('http://', `http://bot:${urlPassword}@`);
    const env = { JLT_TEST_PROM_PASSWORD: promPassword };
    const coordinator = spawnJlt(['run', file, '--results', results, '--target-url', targetUrl, '--wait-agents', '1', '--listen', `127.0.0.1:${port}`, '--token-file', tokenFile, '--out', 'json', '--verbose'], env);
    children.push(coordinator);
    const exited = new Promise<number | null>((resolve) => coordinator.on('exit', resolve));
    await waitFor(() => coordinator.streams().stderr.includes('waiting for 1 agent(s)'), 30_000, 'the coordinator to listen');
    const agent = spawnJlt(['agent', '--coordinator', `ws://127.0.0.1:${port}`, '--token-file', tokenFile, '--once', '--verbose'], env);
    children.push(agent);
    const agentExited = new Promise<number | null>((resolve) => agent.on('exit', resolve));
    const code = await exited;
    await agentExited;
    const streams = { 'coordinator stdout': coordinator.streams().stdout, 'coordinator stderr': coordinator.streams().stderr, 'agent stdout': agent.streams().stdout, 'agent stderr': agent.streams().stderr };
    expect(code, Object.values(streams).join('\n')).toBe(0);
    const joined = await queryResults(results, "select count(*) as n from samples where metric = 'bot_join_success' and value = 1");
    expect(Number(joined[0]!.n), 'the bot joined through the URL with its password').toBe(1);
    expect(prometheus.headers.filter((h) => h.authorization?.startsWith('Basic ')).length, 'the password was used').toBeGreaterThan(0);
    const run = JSON.parse(await readFile(join(results, 'run.json'), 'utf8')) as { target: { url: string } };
    const redacted = new URL(targetUrl);
    redacted.password = '***';
    expect(run.target.url).toBe(redacted.toString());
    await expectNoCanary([token, promPassword, urlPassword, encodeURIComponent(urlPassword)], results, streams);
  });
});
