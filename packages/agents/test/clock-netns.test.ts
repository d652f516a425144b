import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Logger, Plan, RunEvent, Sample } from '@jlt/core';
import { assignedTestScenario, until } from '@jlt/core/test-support';
import { Coordinator, listenForChannels, type ChannelServer } from '@jlt/agents';

/**
 * Clock synchronisation across a real network path with injected one-way delays: the coordinator
 * runs here (host namespace), a real agent process (`runAgentSession` with a fake share, no Chromium)
 * runs in its own network namespace and connects over a point-to-point link.
 *
 * The delays: this kernel has no netem (CONFIG_NET_SCH_NETEM is not set, so `tc qdisc … netem`
 * fails with "Specified qdisc kind is unknown"), so the link is two TUN devices, one per namespace,
 * joined by a small forwarder that holds every IP packet for a fixed time per direction: the same
 * thing netem's `delay` does on a veth, for every packet (SYN, ACK, data) of the WebSocket.
 *
 * Both processes read one kernel clock, so the true offset is 0 and the estimate's error is
 * |offsetMs|. NTP-style exchanges cannot see a constant asymmetry: the estimate is off by half of it,
 * (up − down) / 2, and `uncertaintyMs` (rtt / 2) must bound that error.
 */

const NAMESPACE = `jlt-clock-${process.pid}`;
const HOST_DEVICE = `jltc${process.pid % 100_000}h`;
const AGENT_DEVICE = `jltc${process.pid % 100_000}a`;
// A private /30 used only between this machine's namespaces.
const HOST_ADDRESS = '10.200.77.1';
const AGENT_ADDRESS = '10.200.77.2';
const agentsDist = fileURLToPath(new URL('../dist/', import.meta.url));

/** Forwards IP packets between two TUN devices, delaying each direction by a fixed time. */
const FORWARDER = String.raw`
import ctypes, fcntl, heapq, os, select, struct, sys, time
host_dev, agent_dev, netns_path, down_ms, up_ms = sys.argv[1], sys.argv[2], sys.argv[3], float(sys.argv[4]), float(sys.argv[5])
TUNSETIFF, IFF_TUN, IFF_NO_PI, CLONE_NEWNET = 0x400454CA, 0x0001, 0x1000, 0x40000000
def open_tun(name):
    fd = os.open('/dev/net/tun', os.O_RDWR)
    fcntl.ioctl(fd, TUNSETIFF, struct.pack('16sH', name.encode(), IFF_TUN | IFF_NO_PI))
    return fd
host = open_tun(host_dev)
libc = ctypes.CDLL('libc.so.6', use_errno=True)
if libc.setns(os.open(netns_path, os.O_RDONLY), CLONE_NEWNET) != 0:
    sys.exit('setns failed: ' + os.strerror(ctypes.get_errno()))
agent = open_tun(agent_dev)
print('ready', flush=True)
# host -> agent is "down" (coordinator to agent), agent -> host is "up".
route = {host: (agent, down_ms / 1000), agent: (host, up_ms / 1000)}
queue, seq = [], 0
while True:
    timeout = max(0, queue[0][0] - time.monotonic()) if queue else 1.0
    readable, _, _ = select.select([host, agent], [], [], timeout)
    for fd in readable:
        packet = os.read(fd, 65536)
        out, delay = route[fd]
        seq += 1
        heapq.heappush(queue, (time.monotonic() + delay, seq, out, packet))
    while queue and queue[0][0] <= time.monotonic():
        _, _, out, packet = heapq.heappop(queue)
        try:
            os.write(out, packet)
        except OSError:
            pass  # the other end is not up yet (EIO): dropped, as on a link that is down
`;

/** The agent side: a real session over a real WebSocket, with the fake share (no browsers). */
const AGENT_SCRIPT = `
import { connectChannel, runAgentSession } from ${JSON.stringify(join(agentsDist, 'index.js'))};
import { fakeShareFactory } from ${JSON.stringify(join(agentsDist, 'agent/fake-share.test-support.js'))};
const channel = await connectChannel(process.argv[2], { timeoutMs: 10_000 });
const end = await runAgentSession({
  channel,
  token: process.env.JLT_CLOCK_TEST_TOKEN,
  name: 'netns-agent',
  version: 'test',
  capacity: { cores: 1, memoryBytes: 1e9, maxBots: 4 },
  createShare: fakeShareFactory(200),
  logger: { log: (level, message) => process.stderr.write(level + ': ' + message + '\\n') },
  signal: new AbortController().signal,
});
process.stdout.write(JSON.stringify(end) + '\\n');
`;

function run(command: string, args: readonly string[]): void {
  execFileSync(command, args, { stdio: ['ignore', 'ignore', 'pipe'], timeout: 10_000 });
}

function tryRun(command: string, args: readonly string[]): void {
  try {
    run(command, args);
  } catch {
    // cleanup of something that may not exist
  }
}

/** Why the test cannot run here, or undefined when it can. */
function unavailableReason(): string | undefined {
  if (process.getuid?.() !== 0) return 'needs root to create network namespaces';
  if (!existsSync('/dev/net/tun')) return 'no /dev/net/tun';
  if (!existsSync(join(agentsDist, 'index.js'))) return `build @jlt/agents first (npx tsc -b packages/agents): ${agentsDist} is missing`;
  try {
    run('python3', ['-c', 'import ctypes, fcntl']);
  } catch {
    return 'needs python3 for the packet forwarder';
  }
  const probe = `jlt-probe-${process.pid}`;
  try {
    run('ip', ['netns', 'add', probe]);
    run('ip', ['netns', 'del', probe]);
  } catch (error) {
    return `cannot create a network namespace with \`ip netns add\`: ${(error as Error).message.split('\n')[0]}`;
  }
  return undefined;
}

const unavailable = unavailableReason();
const TOKEN = 'clock-netns-token';
const quiet: Logger = { log: () => {} };
const children: ChildProcess[] = [];
let dir: string;

beforeAll(async () => {
  if (unavailable) return;
  dir = await mkdtemp(join(tmpdir(), 'jlt-clock-netns-'));
  await writeFile(join(dir, 'forwarder.py'), FORWARDER);
  await writeFile(join(dir, 'agent.mjs'), AGENT_SCRIPT);
  tryRun('ip', ['netns', 'del', NAMESPACE]);
  run('ip', ['netns', 'add', NAMESPACE]);
  run('ip', ['netns', 'exec', NAMESPACE, 'ip', 'link', 'set', 'lo', 'up']);
});

afterEach(() => {
  for (const child of children.splice(0)) child.kill('SIGKILL');
});

afterAll(async () => {
  for (const child of children.splice(0)) child.kill('SIGKILL');
  if (unavailable) return;
  tryRun('ip', ['link', 'del', HOST_DEVICE]);
  tryRun('ip', ['netns', 'del', NAMESPACE]);
  await rm(dir, { recursive: true, force: true });
});

function start(command: string, args: readonly string[], env: Record<string, string> = {}): ChildProcess & { output: () => string } {
  const child = spawn(command, args, { env: { ...process.env, ...env } });
  children.push(child);
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return Object.assign(child, { output: () => output });
}

/** Starts the forwarder and addresses both ends of the link; the devices vanish when it exits. */
async function startLink(downMs: number, upMs: number): Promise<ChildProcess> {
  const forwarder = start('python3', [join(dir, 'forwarder.py'), HOST_DEVICE, AGENT_DEVICE, `/var/run/netns/${NAMESPACE}`, String(downMs), String(upMs)]);
  await until(() => forwarder.output().includes('ready') || forwarder.exitCode !== null, 30_000, 'the forwarder');
  expect(forwarder.exitCode, forwarder.output()).toBeNull();
  run('ip', ['addr', 'add', HOST_ADDRESS, 'peer', AGENT_ADDRESS, 'dev', HOST_DEVICE]);
  run('ip', ['link', 'set', HOST_DEVICE, 'up']);
  run('ip', ['netns', 'exec', NAMESPACE, 'ip', 'addr', 'add', AGENT_ADDRESS, 'peer', HOST_ADDRESS, 'dev', AGENT_DEVICE]);
  run('ip', ['netns', 'exec', NAMESPACE, 'ip', 'link', 'set', AGENT_DEVICE, 'up']);
  return forwarder;
}

function onePlan(): Plan {
  return {
    scenario: 'clock',
    executor: 'conference-grid',
    conferences: [],
    bots: [{ id: 'c0-p0', index: 0, conference: 'room-0', conferenceIndex: 0, participantIndex: 0, role: 'sender', mode: 'full', startOffsetMs: 0 }],
    rampUpMs: 0,
    holdMs: 1_500,
    totalMs: 1_500,
  };
}

describe('clock sync over a delayed link between network namespaces', () => {
  it.skipIf(unavailable !== undefined).each([
    // The issue's "20 ms + 5 ms asymmetric": 20 ms each way plus 5 ms more on the way up.
    { downMs: 20, upMs: 25, maxErrorMs: 5 },
    // 20 ms one way and 5 ms the other: NTP's error is half the 15 ms asymmetry, beyond 5 ms.
    { downMs: 20, upMs: 5, maxErrorMs: 8 },
  ])(
    `down $downMs ms, up $upMs ms: the offset is (up − down) / 2, inside its uncertainty, error ≤ $maxErrorMs ms${unavailable ? ` (skipped: ${unavailable})` : ''}`,
    async ({ downMs, upMs, maxErrorMs }) => {
      const forwarder = await startLink(downMs, upMs);
      const samples: Sample[] = [];
      const events: RunEvent[] = [];
      const abort = new AbortController();
      const coordinator = new Coordinator({
        runId: `clock-${downMs}-${upMs}`,
        token: TOKEN,
        scenarioName: 'clock',
        scenario: assignedTestScenario('clock'),
        plan: onePlan(),
        shard: { placement: 'spread', keepConferencesTogether: true },
        onAgentLoss: 'fail',
        expectedAgents: 1,
        sink: { samples: (s) => samples.push(...s), events: (e) => events.push(...e) },
        logger: quiet,
        signal: abort.signal,
        agentWaitTimeoutMs: 20_000,
        readyTimeoutMs: 10_000,
        startDelayMs: 200,
      });
      let server: ChannelServer | undefined;
      try {
        server = await listenForChannels({ host: HOST_ADDRESS, port: 0, onChannel: (channel) => coordinator.addChannel(channel) });
        const agent = start('ip', ['netns', 'exec', NAMESPACE, process.execPath, join(dir, 'agent.mjs'), server.url], { JLT_CLOCK_TEST_TOKEN: TOKEN });
        const result = await coordinator.run();
        await until(() => agent.exitCode !== null, 10_000, `the agent to exit\n${agent.output()}`);
        expect(result.status, agent.output()).toBe('completed');
        expect(samples.length, 'samples crossed the delayed link').toBeGreaterThan(0);

        const clock = result.agents[0]!.clock!;
        const expectedOffset = (upMs - downMs) / 2;
        process.stdout.write(
          `clock over down ${downMs} ms / up ${upMs} ms: offset ${clock.offsetMs} ms (expected ${expectedOffset}), ` +
            `error ${Math.abs(clock.offsetMs)} ms, rtt ${clock.rttMs} ms, uncertainty ${clock.uncertaintyMs} ms\n`,
        );
        expect(clock.rttMs).toBeGreaterThanOrEqual(downMs + upMs);
        expect(clock.rttMs).toBeLessThan(downMs + upMs + 10);
        // Queueing and event-loop delay on top of the injected delays shift the estimate by at most
        // half of that excess round trip; 1 ms for the millisecond timestamps.
        const excessRttMs = clock.rttMs - (downMs + upMs);
        expect(Math.abs(clock.offsetMs - expectedOffset)).toBeLessThanOrEqual(excessRttMs / 2 + 1);
        expect(Math.abs(clock.offsetMs)).toBeLessThanOrEqual(clock.uncertaintyMs);
        expect(Math.abs(clock.offsetMs)).toBeLessThanOrEqual(maxErrorMs);
      } finally {
        abort.abort();
        await server?.close();
        forwarder.kill('SIGKILL');
        await until(() => forwarder.exitCode !== null || forwarder.signalCode !== null, 5_000, 'the forwarder to exit');
      }
    },
    60_000,
  );
});
