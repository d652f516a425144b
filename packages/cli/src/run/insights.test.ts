import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ResultsStore } from '@jlt/reporters';
import { computeRunInsights } from './insights.js';

const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

async function storeWith(events: Parameters<ResultsStore['addEvents']>[0]): Promise<ResultsStore> {
  const dir = await mkdtemp(join(tmpdir(), 'jlt-insights-'));
  dirs.push(dir);
  const store = await ResultsStore.create(dir, {});
  store.addEvents(events);
  await store.flush();
  return store;
}

describe('computeRunInsights', () => {
  it('warns about every oversubscribed agent, from the durable store', async () => {
    const store = await storeWith([
      { time: 1_700_000_000_000, kind: 'agent-oversubscribed', level: 'warn', message: 'agent agent-1 (vm) runs 10 bots but its 2 cores fit 6', tags: { agent: 'agent-1' }, meta: { bots: 10, fits: 6 } },
      { time: 1_700_000_000_001, kind: 'agent-connected', level: 'info', message: 'agent-2 connected', tags: { agent: 'agent-2' } },
    ]);
    expect(await computeRunInsights(store.results)).toEqual([
      { rule: 'oversubscribed-agent', severity: 'warning', message: 'agent agent-1 (vm) runs 10 bots but its 2 cores fit 6', subject: 'agent-1', time: 1_700_000_000_000 },
    ]);
    await store.close();
  });

  it('finds nothing in a run whose agents had room', async () => {
    const store = await storeWith([{ time: 1, kind: 'agent-connected', level: 'info', message: 'connected', tags: { agent: 'agent-1' } }]);
    expect(await computeRunInsights(store.results)).toEqual([]);
    await store.close();
  });
});
