import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { agentOptionsFromArgs } from '../commands/agent.js';
import { classifyError, UsageError } from '../errors.js';
import { parseCommandLine } from '../parse-argv.js';
import { runOptionsFromArgs } from './run-options.js';

/** `jlt run …` as the command would see it: parsed by the real yargs setup, then checked. */
async function runOptions(argv: readonly string[]) {
  const parsed = await parseCommandLine(['run', ...argv]);
  return runOptionsFromArgs(parsed!.args);
}

async function agentOptions(argv: readonly string[]) {
  const parsed = await parseCommandLine(['agent', ...argv]);
  return agentOptionsFromArgs(parsed!.args);
}

async function usageError(parse: Promise<unknown>): Promise<string> {
  const error = await parse.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error, 'expected a usage error').toBeInstanceOf(UsageError);
  expect(classifyError(error)).toMatchObject({ class: 'input', exitCode: 2 });
  return (error as UsageError).message;
}

describe('jlt run flags', () => {
  it('types a full command line', async () => {
    expect(
      await runOptions([
        's.yaml',
        '--results', 'out/r1',
        '--out', 'json',
        '--out', 'junit=ci/junit.xml',
        '--out', './my-output.mjs=http://sink',
        '--no-report',
        '--wait-agents', '2',
        '--listen', '[::1]:7800',
        '--token-file', 'token',
        '--tls-cert', 'c.pem',
        '--tls-key', 'k.pem',
        '--summary-export', 's.json',
        '--target-url', 'https://meet.example.org',
      ]),
    ).toEqual({
      file: 's.yaml',
      resultsDir: 'out/r1',
      outputs: [
        { name: 'json', module: false },
        { name: 'junit', module: false, argument: 'ci/junit.xml' },
        { name: './my-output.mjs', module: true, argument: 'http://sink' },
      ],
      report: false,
      waitAgents: 2,
      listen: { host: '::1', port: 7800 },
      tokenFile: 'token',
      tls: { certFile: 'c.pem', keyFile: 'k.pem' },
      summaryExport: 's.json',
      targetUrl: 'https://meet.example.org',
    });
    expect(await runOptions(['s.yaml', '--agents', '2', '--max-bots', '10', '--agents', '3'])).toMatchObject({ agents: 3, maxBots: 10, report: true, outputs: [] });
  });

  it.each([
    [['--agents', '0'], '--agents must be a positive whole number (got "0")'],
    [['--agents', 'abc'], '--agents must be a positive whole number (got "abc")'],
    [['--agents'], '--agents needs a value (got an empty one)'],
    [['--no-agents'], '--agents needs a value'],
    [['--max-bots', '1.5'], '--max-bots must be a positive whole number (got "1.5")'],
    [['--wait-agents', '2'], '--wait-agents needs --token-file: remote agents must present a token'],
    [['--tls-cert', 'c.pem'], '--tls-cert and --tls-key go together'],
    [['--tls-cert', 'c.pem', '--tls-key', 'k.pem'], '--tls-cert/--tls-key serve remote agents: add --wait-agents N'],
    [['--wait-agents', '1', '--token-file', 't', '--agents', '2'], '--agents starts local agents and --wait-agents waits for remote ones: choose one'],
    [['--wait-agents', '1', '--token-file', 't', '--max-bots', '2'], '--max-bots sets the capacity of agents this command starts; remote agents take their own `jlt agent --max-bots N`'],
    [['--wait-agents', '1', '--token-file', 't', '--listen', '7800'], '--listen must be HOST:PORT (got "7800")'],
    [['--out', '/proc/forbidden'], '--out expects an output, NAME[=ARG] such as junit=ci/junit.xml or ./my-output.mjs (got "/proc/forbidden")'],
    [['--out', 'junit='], '--out junit=: nothing after "="'],
    [['--bogus'], 'Unknown argument: bogus'],
  ])('%j is a usage error naming the flag', async (flags, message) => {
    expect(await usageError(runOptions(['s.yaml', ...flags]))).toBe(message);
  });

  it('points a user of the old --out DIR to --results', async () => {
    const error = await runOptions(['s.yaml', '--out', 'results/mine']).catch((e: unknown) => e);
    expect((error as UsageError).hint).toBe('the results directory is now --results DIR; --out chooses outputs, k6-style');
  });
});

describe('jlt agent flags', () => {
  it('types a full command line', async () => {
    expect(await agentOptions(['--coordinator', 'wss://c:7800', '--token-file', 't', '--max-bots', '4', '--name', 'a1', '--once'])).toEqual({
      coordinator: 'wss://c:7800',
      tokenFile: 't',
      maxBots: 4,
      name: 'a1',
      once: true,
    });
  });

  it.each([
    [['--token-file', 't'], 'jlt agent needs --coordinator ws://HOST:PORT'],
    [['--coordinator', 'ws://c:1'], 'jlt agent needs --token-file F: the token the coordinator expects'],
    [['--coordinator', 'http://c:1', '--token-file', 't'], '--coordinator must be a ws:// or wss:// URL (got "http://c:1")'],
    [['--coordinator', 'ws://c:1', '--token-file', 't', '--max-bots', '0'], '--max-bots must be a positive whole number (got "0")'],
  ])('%j is a usage error naming the flag', async (flags, message) => {
    expect(await usageError(agentOptions(flags))).toBe(message);
  });
});

/**
 * Generated command lines: flags of both commands, in any order and number, with values that are
 * numbers, paths, specs, empty, unicode or garbage. Whatever comes, the outcome is a typed parse or
 * a usage error (exit 2): never an internal error.
 */
describe('flag parsing on generated command lines', () => {
  const runFlags = ['--agents', '--wait-agents', '--listen', '--token-file', '--tls-cert', '--tls-key', '--max-bots', '--out', '--results', '--summary-export', '--target-url', '--report', '--no-report', '--verbose'];
  const agentFlags = ['--coordinator', '--token-file', '--name', '--max-bots', '--ca-file', '--once', '--no-once', '--verbose'];
  const oddTokens = ['--', '-', '-x', '--no-', '--=', '--agents=2', '--out=junit=x.xml', '--max-bots=-1', '--unknown', '-abc', '--__proto__', '--constructor', '--toString'];
  const values = fc.oneof(
    fc.constantFrom('0', '1', '3', '-1', '1.5', '1e3', ' 2 ', '99999999999', 'abc', '', '=', 'json', 'junit=ci/x.xml', 'html=', './m.mjs', 'x.js=1', '/proc/forbidden', '127.0.0.1:0', '[::1]:7800', 'ws://h:1', 'wss://h', 'true', 'false', 'NaN', 'Infinity'),
    fc.string({ maxLength: 12 }),
    fc.string({ unit: 'grapheme', maxLength: 6 }),
    fc.integer({ min: -5, max: 100_000 }).map(String),
  );
  const commandLine = (flags: string[]) => fc.array(fc.oneof(fc.constantFrom(...flags, ...oddTokens), values), { maxLength: 10 });

  async function outcome(parse: () => Promise<unknown>): Promise<'parsed' | 'usage'> {
    try {
      await parse();
      return 'parsed';
    } catch (error) {
      const classified = classifyError(error);
      if (classified.class !== 'input' || classified.exitCode !== 2) throw new Error(`not a usage error: ${classified.message}\n${classified.stack ?? ''}`);
      return 'usage';
    }
  }

  it('jlt run: a typed parse or a usage error, never an internal error', async () => {
    const seen = new Set<string>();
    await fc.assert(
      fc.asyncProperty(commandLine(runFlags), async (argv) => {
        seen.add(await outcome(async () => runOptions(['s.yaml', ...argv])));
      }),
      { seed: 0x6a6c74, numRuns: 150, interruptAfterTimeLimit: 10_000 },
    );
    // Both outcomes occur, so the generator reaches valid and invalid command lines alike.
    expect([...seen].sort()).toEqual(['parsed', 'usage']);
  });

  it('jlt agent: a typed parse or a usage error, never an internal error', async () => {
    const seen = new Set<string>();
    await fc.assert(
      fc.asyncProperty(commandLine(agentFlags), async (argv) => {
        seen.add(await outcome(async () => agentOptions(['--coordinator', 'ws://c:1', '--token-file', 't', ...argv])));
      }),
      { seed: 0x6a6c75, numRuns: 150, interruptAfterTimeLimit: 10_000 },
    );
    expect([...seen].sort()).toEqual(['parsed', 'usage']);
  });
});
