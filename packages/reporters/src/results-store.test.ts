import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Sample } from '@jlt/core';
import { RESULTS_FORMAT_VERSION, ResultsStore } from './results-store.js';

const sample = (i: number): Sample => ({ metric: 'webrtc_rtt_ms', value: i, time: 1_000 + i, tags: { bridge: 'jvb-1' }, meta: { bot: `b${i}` } });

async function lines(file: string): Promise<unknown[]> {
  const text = await readFile(file, 'utf8').catch(() => '');
  return text.split('\n').filter(Boolean).map((l) => JSON.parse(l) as unknown);
}

async function waitFor(check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('ResultsStore', () => {
  it('writes samples losslessly and in order, with a versioned run.json', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'jlt-store-'));
    const store = await ResultsStore.create(dir, { runId: 'r1' });
    store.addSamples([sample(1), sample(2)]);
    store.addEvents([{ time: 5, kind: 'bot-joined', level: 'info', message: 'joined' }]);
    store.addSamples([sample(3)]);
    await store.updateMeta({ status: 'passed' });
    await store.close();
    expect(await lines(join(dir, 'samples.jsonl'))).toEqual([sample(1), sample(2), sample(3)]);
    expect(await lines(join(dir, 'events.jsonl'))).toHaveLength(1);
    expect(JSON.parse(await readFile(join(dir, 'run.json'), 'utf8'))).toEqual({
      runId: 'r1',
      status: 'passed',
      formatVersion: RESULTS_FORMAT_VERSION,
    });
  });

  it('puts buffered samples on disk within a second without being closed', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'jlt-store-'));
    const store = await ResultsStore.create(dir, {});
    const added = Date.now();
    store.addSamples([sample(1)]);
    await waitFor(async () => (await lines(join(dir, 'samples.jsonl'))).length === 1, 1_000);
    expect(Date.now() - added).toBeLessThan(1_000);
    await store.close();
  });
});
