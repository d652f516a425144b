import { mkdir, open, rename, writeFile, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import type { RunEvent, Sample } from '@jlt/core';

/** Bumped whenever the layout or a file's record shape changes; readers refuse newer versions. */
export const RESULTS_FORMAT_VERSION = 1;

/** How often buffered records are written: samples reach the file within this plus one write. */
const FLUSH_INTERVAL_MS = 250;

/**
 * The raw, lossless record of one run in `results/<run-id>/`:
 * - `run.json`: format version, run id, scenario, plan summary, agents with clock offsets, status;
 *   rewritten atomically whenever it changes, so a killed run leaves a readable one.
 * - `samples.jsonl`, `events.jsonl`: one JSON record a line, appended in arrival order.
 *
 * `addSamples`/`addEvents` only buffer (safe on the hot path); a timer writes the buffer every
 * 250 ms, so a killed process loses at most the last flush interval. `close()` writes the rest.
 */
export class ResultsStore {
  private sampleLines: string[] = [];
  private eventLines: string[] = [];
  private samplesFile: FileHandle | undefined;
  private eventsFile: FileHandle | undefined;
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<void> = Promise.resolve();
  private meta: Record<string, unknown> = {};
  private failure: Error | undefined;
  sampleCount = 0;

  private constructor(readonly dir: string) {}

  static async create(dir: string, meta: Record<string, unknown>): Promise<ResultsStore> {
    await mkdir(dir, { recursive: true });
    const store = new ResultsStore(dir);
    store.samplesFile = await open(join(dir, 'samples.jsonl'), 'a');
    store.eventsFile = await open(join(dir, 'events.jsonl'), 'a');
    await store.updateMeta(meta);
    store.timer = setInterval(() => void store.flush(), FLUSH_INTERVAL_MS);
    return store;
  }

  addSamples(samples: readonly Sample[]): void {
    for (const sample of samples) this.sampleLines.push(JSON.stringify(sample));
    this.sampleCount += samples.length;
  }

  addEvents(events: readonly RunEvent[]): void {
    for (const event of events) this.eventLines.push(JSON.stringify(event));
  }

  /** Merges `patch` into run.json and rewrites it atomically (temp file + rename). */
  async updateMeta(patch: Record<string, unknown>): Promise<void> {
    this.meta = { ...this.meta, ...patch, formatVersion: RESULTS_FORMAT_VERSION };
    const text = `${JSON.stringify(this.meta, null, 2)}\n`;
    this.writing = this.writing.then(async () => {
      const temp = join(this.dir, `.run.json.${process.pid}.tmp`);
      await writeFile(temp, text);
      await rename(temp, join(this.dir, 'run.json'));
    });
    await this.writing;
  }

  async writeJson(name: string, value: unknown): Promise<void> {
    await writeFile(join(this.dir, name), `${JSON.stringify(value, null, 2)}\n`);
  }

  /** Writes what is buffered; concurrent calls are serialised so lines never interleave. */
  flush(): Promise<void> {
    const samples = this.sampleLines;
    const events = this.eventLines;
    this.sampleLines = [];
    this.eventLines = [];
    this.writing = this.writing.then(async () => {
      try {
        if (samples.length > 0) await this.samplesFile!.appendFile(`${samples.join('\n')}\n`);
        if (events.length > 0) await this.eventsFile!.appendFile(`${events.join('\n')}\n`);
      } catch (error) {
        this.failure ??= error as Error;
      }
    });
    return this.writing;
  }

  /** Flushes everything and closes the files; rethrows the first write failure, if any. */
  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
    await this.samplesFile?.close();
    await this.eventsFile?.close();
    if (this.failure) throw this.failure;
  }
}
