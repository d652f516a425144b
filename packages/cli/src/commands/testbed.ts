import { ExitCode } from '@jlt/core/essentials';
import type { JltCommand } from './index.js';

/**
 * `jlt testbed up`: starts the local Jitsi-compatible target (bridges, focus, meeting page), prints
 * the meeting URL and each bridge's REST URL once it is ready, and runs until SIGINT/SIGTERM.
 */
const testbed: JltCommand = {
  command: 'testbed <action>',
  describe: 'Run the local Jitsi-compatible testbed (bridges with relay, focus, meeting page)',
  builder: (yargs) =>
    yargs
      .positional('action', { type: 'string', choices: ['up'], describe: 'up: start it and run until interrupted' })
      .option('bridges', { type: 'number', default: 1, describe: 'Number of bridges (jvb-1 … jvb-N), 1 to 16' })
      .option('octo', { type: 'boolean', default: false, describe: 'Relay a conference across bridges (Octo)' })
      .option('strategy', { type: 'string', choices: ['region', 'split'], default: 'region', describe: "Jicofo bridge selection strategy" })
      .option('port', { type: 'number', default: 0, describe: 'Port of the meeting page (0 = a free port)' })
      .option('host', { type: 'string', default: '127.0.0.1', describe: 'Address of the meeting page and the bridges’ REST servers' })
      .option('json', { type: 'boolean', default: false, describe: 'Print one JSON line {url, bridges:[{id, restUrl}]} when ready' })
      .example('$0 testbed up --bridges 2 --octo --strategy split', 'two bridges relaying one conference'),
  async run(args, ctx) {
    const { startTestbed } = await import('@jlt/testbed');
    const { JltError } = await import('@jlt/core');
    const port = args.port as number;
    if (!Number.isInteger(port) || port < 0 || port > 65_535) {
      throw new JltError('INVALID_ARGUMENT', `--port must be an integer from 0 to 65535 (got ${String(args.port)})`);
    }
    const running = await startTestbed({
      bridges: args.bridges as number,
      octo: args.octo as boolean,
      strategy: args.strategy as 'region' | 'split',
      host: args.host as string,
      port,
      logger: ctx.logger,
      signal: ctx.signal,
    });
    try {
      if (args.json) {
        ctx.stdout.write(`${JSON.stringify({ url: running.url, bridges: running.bridges.map((b) => ({ id: b.id, restUrl: b.restUrl })) })}\n`);
      } else {
        ctx.stdout.write(`testbed ready: open ${running.url}/<room> to join a meeting\n`);
        for (const b of running.bridges) ctx.stdout.write(`  ${b.id}  REST ${b.restUrl}  media ${b.mediaAddress}\n`);
        ctx.stdout.write('press Ctrl+C to stop\n');
      }
      await new Promise<void>((resolve) => {
        if (ctx.signal.aborted) return resolve();
        ctx.signal.addEventListener('abort', () => resolve(), { once: true });
      });
    } finally {
      await running.stop();
    }
    return { exitCode: ExitCode.passed };
  },
};

export default testbed;
