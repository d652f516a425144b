import { parentPort, workerData } from 'node:worker_threads';
import type { LogLevel } from '@jlt/core';
import { startTestbed, type TestbedOptions } from '@jlt/testbed';
import type { FromTestbedThread, ToTestbedThread } from './testbed-thread.js';

const port = parentPort!;
const post = (message: FromTestbedThread): void => port.postMessage(message);
const options = workerData as Omit<TestbedOptions, 'logger' | 'signal'>;

try {
  const testbed = await startTestbed({
    ...options,
    logger: { log: (level: LogLevel, message: string, fields?: Record<string, unknown>) => post({ type: 'log', level, message, ...(fields ? { fields } : {}) }) },
  });
  port.on('message', (message: ToTestbedThread) => {
    if (message.type !== 'stop') return;
    void testbed.stop().then(
      () => post({ type: 'stopped' }),
      (error: unknown) => post({ type: 'failed', message: (error as Error).message }),
    );
  });
  post({ type: 'ready', url: testbed.url, bridges: testbed.bridges });
} catch (error) {
  post({ type: 'failed', message: (error as Error).message });
}
