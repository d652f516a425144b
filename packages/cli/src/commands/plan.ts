import { ExitCode } from '@jlt/core/essentials';
import type { LoadedScenario } from '@jlt/core';
import type { JltCommand } from './index.js';

/** `jlt plan FILE`: what a run would do, in words and per conference, or the Plan as JSON. */
const plan: JltCommand = {
  command: 'plan <file>',
  describe: 'Show which bots a scenario starts, where and when, without running it',
  builder: (yargs) =>
    yargs
      .positional('file', { type: 'string', describe: 'Scenario YAML file', demandOption: true })
      .option('json', { type: 'boolean', default: false, describe: 'Print the plan as JSON (one entry per bot)' })
      .option('target-url', { type: 'string', describe: 'Meeting base URL; overrides JLT_TARGET_URL and target.url' })
      .example('$0 plan scenarios/10x3.yaml', 'conferences, bots and start times in words'),
  async run(args, ctx) {
    const { loadScenarioFile } = await import('@jlt/core');
    const loaded = await loadScenarioFile(args.file as string, {
      env: ctx.env,
      targetUrl: args.targetUrl as string | undefined,
    });
    ctx.stdout.write(args.json ? `${JSON.stringify(loaded.plan, null, 2)}\n` : await planText(loaded));
    return { exitCode: ExitCode.passed };
  },
};

async function planText({ scenario, plan: p }: LoadedScenario): Promise<string> {
  const { describePlan, formatSeconds, getExecutor } = await import('@jlt/core');
  const target =
    scenario.target.kind === 'testbed'
      ? `testbed (${scenario.target.bridges} bridge${scenario.target.bridges === 1 ? '' : 's'}` +
        `${scenario.target.octo ? `, octo, ${scenario.target.strategy} strategy` : ''})`
      : `${scenario.target.kind} ${scenario.target.url ?? (scenario.target.kind === 'page' ? '(URL from --target-url)' : '(URL from --target-url or JLT_TARGET_URL)')}`;
  const rows = p.conferences.map((conference) => {
    const starts = p.bots.filter((b) => b.conferenceIndex === conference.index).map((b) => b.startOffsetMs);
    return [
      conference.name,
      String(conference.participants),
      String(conference.senders),
      formatSeconds(Math.min(...starts)),
      formatSeconds(Math.max(...starts)),
    ];
  });
  const lines = [
    `${scenario.name}: ${p.executor} (${getExecutor(p.executor).describe()})`,
    `target: ${target}`,
    describePlan(p),
    `ends ${formatSeconds(p.totalMs)} after the first bot starts`,
    '',
    ...table(['room', 'participants', 'senders', 'first start', 'last start'], rows),
  ];
  return `${lines.join('\n')}\n`;
}

/** Left-aligned text columns, two spaces apart. */
function table(header: string[], rows: string[][]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  return [header, ...rows].map((row) =>
    row
      .map((cell, i) => cell.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd(),
  );
}

export default plan;
