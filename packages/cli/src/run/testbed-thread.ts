import { Worker } from 'node:worker_threads';
import { JltError, type LogLevel, type Logger } from '@jlt/core';
import type { TestbedBridgeInfo, TestbedOptions } from '@jlt/testbed';

export type ToTestbedThread = { type: 'stop' };
export type FromTestbedThread =
  | { type: 'ready'; url: string; bridges: TestbedBridgeInfo[] }
  | { type: 'log'; level: LogLevel; message: string; fields?: Record<string, unknown> }
  | { type: 'stopped' }
  | { type: 'failed'; message: string };

export interface TestbedThread {
  url: string;
  bridges: TestbedBridgeInfo[];
  stop(): Promise<void>;
}

const STOP_TIMEOUT_MS = 10_000;

/**
 * Runs the testbed in a worker thread: its SFU forwards every packet of every bot, and on its own
 * event loop (and core) that work cannot stall the coordinator and agent, whose timing the run's
 * numbers depend on. Resolves once the testbed serves its meeting page and bridges.
 */
export async function startTestbedThread(options: Omit<TestbedOptions, 'logger' | 'signal'>, logger: Logger): Promise<TestbedThread> {
  const worker = new Worker(new URL('./testbed-thread-entry.js', import.meta.url), { workerData: options });
  let onStopped: (() => void) | undefined;
  const ready = new Promise<{ url: string; bridges: TestbedBridgeInfo[] }>((resolve, reject) => {
    worker.on('message', (message: FromTestbedThread) => {
      switch (message.type) {
        case 'ready':
          return resolve(message);
        case 'log':
          return logger.log(message.level, message.message, message.fields);
        case 'stopped':
          return onStopped?.();
        case 'failed':
          return reject(new JltError('TARGET_UNREACHABLE', `the testbed failed: ${message.message}`));
      }
    });
    worker.on('error', (error) => reject(new JltError('TARGET_UNREACHABLE', `the testbed failed: ${error.message}`, { cause: error })));
    worker.on('exit', (code) => reject(new JltError('TARGET_UNREACHABLE', `the testbed exited early (code ${code})`)));
  });
  let started: { url: string; bridges: TestbedBridgeInfo[] };
  try {
    started = await ready;
  } catch (error) {
    await worker.terminate();
    throw error;
  }
  let stopping: Promise<void> | undefined;
  return {
    ...started,
    stop() {
      stopping ??= (async () => {
        const stopped = new Promise<void>((resolve) => {
          onStopped = resolve;
          setTimeout(resolve, STOP_TIMEOUT_MS).unref();
        });
        worker.postMessage({ type: 'stop' } satisfies ToTestbedThread);
        await stopped;
        await worker.terminate();
      })();
      return stopping;
    },
  };
}
