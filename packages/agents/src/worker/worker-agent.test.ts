import { getEventListeners } from 'node:events';
import { describe, expect, it } from 'vitest';
import { WorkerShare } from './worker-agent.js';

describe('WorkerShare', () => {
  it('leaves no listener on the caller’s signal once it has stopped (an agent serves many runs on one signal)', async () => {
    const agentSignal = new AbortController().signal;
    const shares = Array.from(
      { length: 5 },
      () =>
        new WorkerShare({
          bots: [],
          target: { kind: 'testbed', url: 'http://127.0.0.1:1/' },
          media: { video: false, audio: false },
          tags: { scenario: 's', agent: 'a' },
          clock: { toCoordinatorTime: (ms) => ms },
          sink: { samples: () => {}, events: () => {}, botState: () => {} },
          signal: agentSignal,
          logger: { log: () => {} },
          artifactsDir: '/nonexistent',
        }),
    );
    expect(getEventListeners(agentSignal, 'abort')).toHaveLength(5);
    for (const share of shares) await share.stop('run over');
    expect(getEventListeners(agentSignal, 'abort')).toHaveLength(0);
  });
});
