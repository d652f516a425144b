import type { PlannedBot, Sample } from '@jlt/core';
import type { Share, ShareFactory } from './share.js';

/**
 * A share without browsers for protocol tests: each started bot reports `joined` and then one
 * `webrtc_rtt_ms` sample every `intervalMs` (value = its index), until stopped.
 */
export function fakeShareFactory(intervalMs = 50): ShareFactory {
  return (assignment, sink, clock) => {
    const bots: PlannedBot[] = [...assignment.bots];
    const timers: NodeJS.Timeout[] = [];
    let active = 0;
    let resolveFinished: () => void = () => {};
    const finished = new Promise<void>((resolve) => (resolveFinished = resolve));
    const launch = (bot: PlannedBot, startAt: number): void => {
      const begin = setTimeout(() => {
        active++;
        sink.botState(bot.id, 'joined', { bridge: '127.0.0.1' });
        timers.push(
          setInterval(() => {
            const sample: Sample = {
              metric: 'webrtc_rtt_ms',
              value: bot.index,
              time: clock.toCoordinatorTime(Date.now()),
              tags: { scenario: 'fake', agent: assignment.agentId, conference: bot.conference },
              meta: { bot: bot.id },
            };
            sink.samples([sample]);
          }, intervalMs),
        );
      }, Math.max(0, startAt + bot.startOffsetMs - Date.now()));
      timers.push(begin);
    };
    let startAt = 0;
    const share: Share = {
      async prepare() {},
      start(startAtLocalMs) {
        startAt = startAtLocalMs;
        for (const bot of bots) launch(bot, startAt);
      },
      addBots(more) {
        for (const bot of more) launch(bot, startAt);
      },
      async stop() {
        for (const timer of timers) clearTimeout(timer);
        for (const bot of bots) sink.botState(bot.id, 'left', {});
        active = 0;
        resolveFinished();
      },
      finished,
      activeBots: () => active,
    };
    return share;
  };
}
