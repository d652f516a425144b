import { describe, expect, it } from 'vitest';
import type { Logger, LogLevel } from '../context.js';
import { JltError } from '../errors.js';
import type { Sample } from '../metrics/sample.js';
import type { PlacementRecord } from '../metrics/placement.js';
import { quietOutput } from '../test-support/quiet-output.js';
import { OutputManager, type RunEnd } from './manager.js';
import type { Output, RunInfo, RunResult } from './output.js';

type Fault = 'start' | 'addSamples' | 'addEvents' | 'onRunEnd' | 'stop';

/** An output that records every call in a shared journal and throws in the phase it is told to. */
class FakeOutput implements Output {
  readonly received: Sample[] = [];

  constructor(
    readonly name: string,
    private readonly _journal: string[],
    private readonly _fault?: Fault,
  ) {}

  private _enter(phase: Fault): void {
    this._journal.push(`${this.name}.${phase}`);
    if (this._fault === phase) throw new Error(`${this.name} broke in ${phase}`);
  }

  async start(): Promise<void> {
    await Promise.resolve();
    this._enter('start');
  }

  addSamples(samples: readonly Sample[]): void {
    this._enter('addSamples');
    this.received.push(...samples);
  }

  addEvents(): void {
    this._enter('addEvents');
  }

  async onRunEnd(): Promise<void> {
    this._enter('onRunEnd');
  }

  async stop(): Promise<void> {
    // Resolve later than a microtask, so a manager that did not await would be caught out.
    await new Promise((r) => setTimeout(r, 5));
    this._enter('stop');
  }
}

function recordingLogger(): Logger & { lines: [LogLevel, string][] } {
  const lines: [LogLevel, string][] = [];
  return { lines, log: (level, message) => void lines.push([level, message]) };
}

const run: RunInfo = {
  runId: 'r1',
  scenario: 'smoke',
  startedAt: 0,
  plan: { scenario: 'smoke', executor: 'conference-grid', conferences: [], bots: [], rampUpMs: 0, holdMs: 0, totalMs: 0 },
};
const result = { status: 'passed', endedAt: 1, thresholds: [], summary: {}, insights: [] } as unknown as RunEnd;
const sample: Sample = { metric: 'webrtc_rtt_ms', value: 1, time: 0, tags: {} };

async function fullRun(faults: Partial<Record<string, Fault>>) {
  const journal: string[] = [];
  const logger = recordingLogger();
  const outputs = ['a', 'b', 'c'].map((name) => new FakeOutput(name, journal, faults[name]));
  const manager = new OutputManager(outputs, logger);
  await manager.start(run);
  manager.addSamples([sample]);
  manager.addEvents([]);
  manager.addSamples([sample]);
  await manager.runEnd(result);
  await manager.stop();
  return { journal, logger, outputs, manager };
}

describe('OutputManager', () => {
  it('starts in order, fans out, ends in order and stops in reverse order', async () => {
    const { journal, outputs, logger } = await fullRun({});
    expect(journal).toEqual([
      'a.start', 'b.start', 'c.start',
      'a.addSamples', 'b.addSamples', 'c.addSamples',
      'a.addEvents', 'b.addEvents', 'c.addEvents',
      'a.addSamples', 'b.addSamples', 'c.addSamples',
      'a.onRunEnd', 'b.onRunEnd', 'c.onRunEnd',
      'c.stop', 'b.stop', 'a.stop',
    ]);
    expect(outputs.map((o) => o.received.length)).toEqual([2, 2, 2]);
    expect(logger.lines).toEqual([]);
  });

  it.each([
    { fault: 'addSamples' as const, calls: ['b.start', 'b.addSamples', 'b.onRunEnd', 'b.stop'] },
    { fault: 'addEvents' as const, calls: ['b.start', 'b.addSamples', 'b.addEvents', 'b.onRunEnd', 'b.stop'] },
    { fault: 'onRunEnd' as const, calls: ['b.start', 'b.addSamples', 'b.addEvents', 'b.addSamples', 'b.onRunEnd', 'b.stop'] },
    { fault: 'stop' as const, calls: ['b.start', 'b.addSamples', 'b.addEvents', 'b.addSamples', 'b.onRunEnd', 'b.stop'] },
  ])('an output that throws in $fault is reported once and the others carry on', async ({ fault, calls }) => {
    const { journal, outputs, logger, manager } = await fullRun({ b: fault });
    expect(journal.filter((c) => c.startsWith('b.'))).toEqual(calls);
    expect(journal.filter((c) => !c.startsWith('b.'))).toEqual([
      'a.start', 'c.start', 'a.addSamples', 'c.addSamples', 'a.addEvents', 'c.addEvents',
      'a.addSamples', 'c.addSamples', 'a.onRunEnd', 'c.onRunEnd', 'c.stop', 'a.stop',
    ]);
    expect(outputs[0]?.received).toHaveLength(2);
    expect(outputs[2]?.received).toHaveLength(2);
    expect(logger.lines.filter(([level]) => level === 'error')).toEqual([
      ['error', `output "b" failed in ${fault}: b broke in ${fault}; the run goes on without it`],
    ]);
    expect(manager.failures.map((f) => [f.output, f.phase])).toEqual([['b', fault]]);
  });

  it('stops the outputs started before one whose start fails, in reverse order, and throws', async () => {
    const journal: string[] = [];
    const outputs = [new FakeOutput('a', journal), new FakeOutput('b', journal), new FakeOutput('c', journal, 'start'), new FakeOutput('d', journal)];
    const manager = new OutputManager(outputs, recordingLogger());
    const started = manager.start(run);
    await expect(started).rejects.toThrow(JltError);
    await expect(started).rejects.toThrow('output "c" failed to start: c broke in start');
    expect(journal).toEqual(['a.start', 'b.start', 'c.start', 'b.stop', 'a.stop']);
    expect(manager.failures.map((f) => [f.output, f.phase])).toEqual([['c', 'start']]);
  });

  it('stop resolves only after every output has stopped, and only once', async () => {
    const journal: string[] = [];
    const manager = new OutputManager([new FakeOutput('a', journal), new FakeOutput('b', journal)], recordingLogger());
    await manager.start(run);
    const first = manager.stop();
    const second = manager.stop();
    expect(second).toBe(first);
    await first;
    expect(journal.filter((c) => c.endsWith('.stop'))).toEqual(['b.stop', 'a.stop']);
  });

  it('fans samples out without awaiting anything', async () => {
    const journal: string[] = [];
    const output = new FakeOutput('a', journal);
    const manager = new OutputManager([output], recordingLogger());
    await manager.start(run);
    manager.addSamples([sample, sample]);
    expect(output.received).toHaveLength(2);
    await manager.stop();
  });

  it('keeps the code of a JltError a start fails with, so a bad destination stays invalid input', async () => {
    const refusing = quietOutput('store', {
      start: () => Promise.reject(new JltError('INVALID_ARGUMENT', 'cannot create /proc/x', { hint: 'choose another directory' })),
    });
    const started = new OutputManager([refusing], recordingLogger()).start(run);
    await expect(started).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', exitCode: 2, hint: 'choose another directory' });
    await expect(started).rejects.toThrow('output "store" failed to start: cannot create /proc/x');
  });

  it('hands placement only to the outputs that take it', async () => {
    const taken: PlacementRecord[][] = [];
    const placementOutput = quietOutput('store', { addPlacement: (records) => void taken.push([...records]) });
    const manager = new OutputManager([quietOutput('plain'), placementOutput], recordingLogger());
    await manager.start(run);
    const record: PlacementRecord = { time: 1, bridge: 'jvb-1', conference: 'c1', endpoint: 'e1', source: 'debug' };
    manager.addPlacement([record]);
    expect(taken).toEqual([[record]]);
    expect(manager.failures).toEqual([]);
    await manager.stop();
  });

  it('tells each output at its onRunEnd the failures and files of the outputs before it', async () => {
    const seen: Record<string, Pick<RunResult, 'outputFailures' | 'files'>> = {};
    const recorder = (name: string, extra: Partial<Output> = {}): Output =>
      quietOutput(name, { onRunEnd: async (r) => void (seen[name] = { outputFailures: r.outputFailures, files: r.files }), ...extra });
    const manager = new OutputManager(
      [
        recorder('junit', { writtenFiles: () => ['/r/junit.xml'] }),
        recorder('html', { onRunEnd: () => Promise.reject(new Error('disk full')) }),
        recorder('summary'),
      ],
      recordingLogger(),
    );
    await manager.start(run);
    await manager.runEnd(result);
    await manager.stop();
    expect(seen.junit).toEqual({ outputFailures: [], files: [] });
    expect(seen.summary).toEqual({
      outputFailures: [{ output: 'html', phase: 'onRunEnd', message: 'disk full' }],
      files: [{ output: 'junit', path: '/r/junit.xml' }],
    });
    expect(manager.files).toEqual([{ output: 'junit', path: '/r/junit.xml' }]);
  });

  it("gives later outputs each live output's sample counts as they stand after its onRunEnd", async () => {
    const counts = { written: 10, dropped: 0 };
    const live: Output = { ...quietOutput('prometheus', { onRunEnd: async () => void Object.assign(counts, { written: 12, dropped: 3 }) }), sampleCounts: counts };
    let deliveries: RunResult['deliveries'] = [];
    const summary = quietOutput('summary', { onRunEnd: async (r) => void (deliveries = r.deliveries) });
    const manager = new OutputManager([quietOutput('junit'), live, summary], recordingLogger());
    await manager.start(run);
    await manager.runEnd(result);
    await manager.stop();
    expect(deliveries).toEqual([{ output: 'prometheus', written: 12, dropped: 3 }]);
  });
});
