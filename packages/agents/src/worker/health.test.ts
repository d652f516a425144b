import { describe, expect, it } from 'vitest';
import type { RunEvent, Sample } from '@jlt/core';
import { until } from '@jlt/core/test-support';
import { startHealthMonitor } from './health.js';

describe('startHealthMonitor', () => {
  it('emits cpu, memory and lag samples for this process tree, on the coordinator clock', async () => {
    const samples: Sample[] = [];
    const monitor = startHealthMonitor({
      tags: { scenario: 's', agent: 'a1' },
      clock: { toCoordinatorTime: (ms) => ms + 1_000_000 },
      samples: (s) => samples.push(...s),
      events: () => undefined,
      now: () => Date.now(),
      intervalMs: 100,
    });
    try {
      const end = Date.now() + 150;
      while (Date.now() < end) Math.sqrt(Math.random());
      await until(() => samples.some((s) => s.metric === 'agent_cpu_cores'), 5_000);
    } finally {
      monitor.stop();
    }
    const cpu = samples.find((s) => s.metric === 'agent_cpu_cores');
    const mem = samples.find((s) => s.metric === 'agent_memory_bytes');
    expect(cpu?.value).toBeGreaterThan(0);
    expect(mem?.value).toBeGreaterThan(10 * 2 ** 20);
    expect(samples.some((s) => s.metric === 'agent_event_loop_lag_ms')).toBe(true);
    expect(cpu?.time).toBeGreaterThan(Date.now() + 900_000);
    expect(cpu?.tags).toEqual({ scenario: 's', agent: 'a1' });
  });

  it('warns once when the event loop is blocked past the lag limit', async () => {
    const events: RunEvent[] = [];
    const monitor = startHealthMonitor({
      tags: { scenario: 's', agent: 'a1' },
      clock: { toCoordinatorTime: (ms) => ms },
      samples: () => undefined,
      events: (e) => events.push(...e),
      now: () => Date.now(),
      intervalMs: 100,
      lagSaturatedMs: 50,
    });
    try {
      await new Promise((r) => setTimeout(r, 250));
      const end = Date.now() + 300;
      while (Date.now() < end) Math.sqrt(Math.random());
      await until(() => events.length > 0, 5_000);
    } finally {
      monitor.stop();
    }
    expect(events[0]?.kind).toBe('agent.saturated');
    expect(events[0]?.level).toBe('warn');
  });
});
