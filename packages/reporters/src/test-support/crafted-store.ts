import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PlacementRecord, RunEvent, Sample } from '@jlt/core';
import { ResultsStore } from '../results-store.js';
import { ResultsDb } from '../store/results-db.js';

export interface CraftedStore {
  meta?: Record<string, unknown>;
  samples?: readonly Sample[];
  events?: readonly RunEvent[];
  placement?: readonly PlacementRecord[];
}

/** Writes `run` through the real ResultsStore into `dir` and closes it: a finished run's store. */
export async function writeCraftedStore(dir: string, run: CraftedStore): Promise<void> {
  const store = await ResultsStore.create(dir, { runId: 'crafted', scenario: 'crafted', ...run.meta });
  store.addSamples(run.samples ?? []);
  store.addEvents(run.events ?? []);
  store.addPlacement(run.placement ?? []);
  await store.close();
}

/** A crafted store in a temp directory, opened read-only; `dispose` closes and removes it. */
export async function openCraftedStore(run: CraftedStore): Promise<{ db: ResultsDb; dir: string; dispose(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'jlt-crafted-'));
  await writeCraftedStore(dir, run);
  const db = await ResultsDb.open(dir);
  return {
    db,
    dir,
    async dispose() {
      await db.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** `count` samples of `metric`, one every `everyMs` from `fromMs`, valued by `value(i, time)`. */
export function series(metric: string, tags: Sample['tags'], fromMs: number, everyMs: number, count: number, value: (i: number, time: number) => number, meta?: Sample['meta']): Sample[] {
  return Array.from({ length: count }, (_, i) => {
    const time = fromMs + i * everyMs;
    return { metric, value: value(i, time), time, tags, ...(meta ? { meta } : {}) };
  });
}
