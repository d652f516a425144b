import { open, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import {
  BUILTIN_OUTPUTS,
  PeriodicFlusher,
  makeDirectory,
  SampleBuffer,
  defineOutput,
  type Logger,
  type Output,
  type RunEvent,
  type RunInfo,
  type RunResult,
  type Sample,
} from '@jlt/core';
import { outputFilePath } from './output-file.js';

/**
 * Every sample and event as one JSON object a line (`{"type":"sample",...}` / `{"type":"event",...}`),
 * in arrival order, appended by a flusher every 500 ms; the last line is `{"type":"end",...}` with the
 * status. Meant for piping into other tools; the results store remains the queryable record.
 */
export class JsonOutput implements Output {
  readonly name = 'json';
  private readonly buffer = new SampleBuffer<string>();
  private readonly flusher: PeriodicFlusher;
  private file: FileHandle | undefined;

  constructor(
    private readonly path: string,
    logger: Logger,
  ) {
    this.flusher = new PeriodicFlusher(() => this.write(), {
      intervalMs: 500,
      onError: (error) => logger.log('error', `json output: cannot write ${this.path}: ${(error as Error).message}`),
    });
  }

  async start(_run: RunInfo): Promise<void> {
    await makeDirectory(dirname(this.path), 'directory of the json output');
    this.file = await open(this.path, 'w');
    this.flusher.start();
  }

  addSamples(samples: readonly Sample[]): void {
    this.buffer.push(samples.map((sample) => JSON.stringify({ type: 'sample', ...sample })));
  }

  addEvents(events: readonly RunEvent[]): void {
    this.buffer.push(events.map((event) => JSON.stringify({ type: 'event', ...event })));
  }

  async onRunEnd(result: RunResult): Promise<void> {
    this.buffer.push([JSON.stringify({ type: 'end', status: result.status, endedAt: result.endedAt })]);
  }

  async stop(): Promise<void> {
    await this.flusher.stop();
    await this.file?.close();
  }

  /** The file grows during the run; it is complete once the output stopped. */
  writtenFiles(): readonly string[] {
    return [this.path];
  }

  private async write(): Promise<void> {
    const lines = this.buffer.drain();
    if (lines.length > 0) await this.file!.appendFile(`${lines.join('\n')}\n`);
  }
}

export const jsonOutput = defineOutput({
  name: 'json',
  optionsSchema: BUILTIN_OUTPUTS.json.options,
  describe: BUILTIN_OUTPUTS.json.describe,
  argument: BUILTIN_OUTPUTS.json.argument,
  create: (options, { context, resultsDir }) =>
    new JsonOutput(outputFilePath(options.file, 'samples.ndjson', { cwd: context.cwd, resultsDir }), context.logger),
});
