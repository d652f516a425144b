import { afterEach, describe, expect, it, vi } from 'vitest';
import { botStateEvent, runPhaseEvent, type RunEvent, type Sample } from '@jlt/core';
import { ProgressOutput } from './progress-output.js';
import { StatusTerminal } from './status-terminal.js';

function recordingStream(isTTY: boolean): { isTTY: boolean; columns: number; chunks: string[]; write(chunk: string): boolean } {
  const chunks: string[] = [];
  return { isTTY, columns: 200, chunks, write: (chunk) => Boolean(chunks.push(chunk)) };
}

const T0 = 1_700_000_000_000;
let clock = T0;
const plan = { bots: 3, conferences: 1, totalMs: 23_000 };

function progress(isTTY: boolean) {
  const stream = recordingStream(isTTY);
  const output = new ProgressOutput({ terminal: new StatusTerminal(stream), plan, now: () => clock });
  return { stream, output };
}

const tags = { scenario: 's', agent: 'agent-1', conference: 'c1' };
const sample = (metric: string, value: number, extra: Partial<Sample> = {}): Sample => ({ metric, value, time: clock, tags, ...extra });
const joined = (bot: string): RunEvent => botStateEvent(clock, { bot, state: 'joined' }, tags);

afterEach(() => {
  vi.useRealTimers();
  clock = T0;
});

describe('ProgressOutput', () => {
  it('shows phase, elapsed/total, agents, bots, conferences, current RTT p95, bitrates and every bridge', async () => {
    const { output } = progress(false);
    await output.start();
    output.addEvents([
      { time: clock, kind: 'agent-connected', level: 'info', message: 'agent-1 connected', tags: { agent: 'agent-1' } },
      runPhaseEvent(clock, { phase: 'running', startedAt: T0, totalMs: 23_000 }),
      joined('b1'),
      joined('b2'),
      botStateEvent(clock, { bot: 'b3', state: 'failed', reason: 'timeout' }, tags),
    ]);
    clock = T0 + 12_400;
    // RTT 1..100 ms now, and a 900 ms outlier 11 s ago that the 10 s window leaves out.
    output.addSamples([sample('webrtc_rtt_ms', 900, { time: clock - 11_000 }), ...Array.from({ length: 100 }, (_, i) => sample('webrtc_rtt_ms', i + 1))]);
    output.addSamples([
      sample('webrtc_send_kbps', 300, { meta: { bot: 'b1' } }),
      sample('webrtc_send_kbps', 310, { meta: { bot: 'b1' } }),
      sample('webrtc_send_kbps', 200, { meta: { bot: 'b2' } }),
      sample('webrtc_recv_kbps', 12_000, { meta: { bot: 'b1' } }),
      sample('jvb_stress', 0.123, { tags: { bridge: 'jvb-2' } }),
      sample('jvb_stress', 0.05, { tags: { bridge: 'jvb-1' } }),
      sample('jvb_local_endpoints', 2, { tags: { bridge: 'jvb-1' } }),
    ]);
    expect(output.line()).toBe(
      'running 12s/23s · agents 1 · bots joined 2/3 · failed 1 · lost 0 · conferences 1/1 · rtt p95 95 ms · send 510 kbps · recv 12.0 Mbps · jvb-1 stress 0.05 · 2 endpoints · jvb-2 stress 0.12 · – endpoints',
    );
    await output.stop();
  });

  it('calls a run whose bots are still joining "joining", and prints a plain line when that changes', async () => {
    const { stream, output } = progress(false);
    await output.start();
    output.addEvents([runPhaseEvent(clock, { phase: 'preparing' })]);
    output.addEvents([runPhaseEvent(clock, { phase: 'running', startedAt: T0, totalMs: 23_000 })]);
    output.addEvents([joined('b1')]);
    output.addEvents([joined('b2'), joined('b3')]);
    expect(stream.chunks.map((c) => c.split(' · ')[0])).toEqual(['preparing 0s/23s', 'joining 0s/23s', 'running 0s/23s']);
    await output.stop();
  });

  it('prints a plain line every 10 s outside a terminal, and names the phases before the bots run', async () => {
    vi.useFakeTimers();
    const { stream, output } = progress(false);
    await output.start();
    output.addEvents([runPhaseEvent(clock, { phase: 'target' })]);
    expect(stream.chunks).toEqual(['starting the target…\n']);
    clock += 4_000;
    vi.advanceTimersByTime(4_000);
    // The phase change prints at once and starts the next 10 s from there.
    output.addEvents([runPhaseEvent(clock, { phase: 'running', startedAt: clock, totalMs: 23_000 })]);
    clock += 10_000;
    vi.advanceTimersByTime(10_000);
    clock += 10_000;
    vi.advanceTimersByTime(10_000);
    expect(stream.chunks.slice(1).map((c) => c.split(' · ')[0])).toEqual(['joining 0s/23s', 'joining 10s/23s', 'joining 20s/23s']);
    await output.stop();
    vi.advanceTimersByTime(30_000);
    expect(stream.chunks).toHaveLength(4);
  });

  it('redraws a block in place in a terminal, keeps log lines above it and erases it at the end', async () => {
    vi.useFakeTimers();
    const { stream, output } = progress(true);
    await output.start();
    output.addEvents([runPhaseEvent(clock, { phase: 'running', startedAt: T0, totalMs: 23_000 })]);
    const block = stream.chunks.at(-1)!;
    expect(block.split('\n')).toHaveLength(6);
    expect(block).toMatch(/^jlt ▸ joining {2}0s\/23s {2}\[░{20}\]\n {2}agents {7}0\n/);
    clock += 11_500;
    vi.advanceTimersByTime(1_000);
    // Erase the 5 lines drawn (cursor up 5 lines, clear to the end), then draw anew.
    expect(stream.chunks.at(-1)!.startsWith('\x1b[5F\x1b[J')).toBe(true);
    expect(stream.chunks.at(-1)).toContain('jlt ▸ joining  11s/23s  [██████████░░░░░░░░░░]');
    output.addEvents([{ time: clock, kind: 'collector-error', level: 'warn', message: 'jvb-1 timed out' }]);
    expect(stream.chunks.at(-1)!.startsWith('\x1b[5F\x1b[Jwarn: jvb-1 timed out\njlt ▸ ')).toBe(true);
    await output.onRunEnd();
    expect(stream.chunks.at(-1)).toBe('\x1b[5F\x1b[J');
    await output.stop();
  });

  it('prints warnings and errors among the events, naming the bot', async () => {
    const { stream, output } = progress(false);
    await output.start();
    output.addEvents([
      { time: clock, kind: 'bot-join-failed', level: 'error', message: 'join timed out after 30 s', meta: { bot: 'b2' } },
      { time: clock, kind: 'collector-poll', level: 'info', message: 'polled' },
    ]);
    expect(stream.chunks).toEqual(['error: join timed out after 30 s bot=b2\n']);
    await output.stop();
  });
});
