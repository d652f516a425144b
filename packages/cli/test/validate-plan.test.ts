import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, it, expect } from 'vitest';
import { jlt as runJlt, jltBin as bin, repoRoot as root, type CliResult } from './cli-harness.js';

const jlt = (...args: string[]): Promise<CliResult> => runJlt(args);

const minimal = `name: cli-test
target: { kind: testbed }
conferences: 1
participantsPerConference: 2
duration: 5s
`;

let dir: string;
beforeAll(async () => {
  expect(existsSync(bin), `build the CLI first: npx tsc -b packages/cli (${bin} is missing)`).toBe(true);
  dir = await mkdtemp(join(tmpdir(), 'jlt-cli-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function scenarioFile(name: string, text: string): Promise<string> {
  const file = join(dir, name);
  await writeFile(file, text);
  return file;
}

function expectNoStack(result: CliResult): void {
  expect(result.stderr).not.toMatch(/\n\s+at .+:\d+:\d+/);
  expect(result.stderr).not.toMatch(/internal error/);
}

describe('jlt validate', () => {
  it('accepts every committed scenario and study, each checked with its own schema', async () => {
    const files = (await readdir(join(root, 'scenarios'))).filter((f) => f.endsWith('.yaml')).map((f) => `scenarios/${f}`);
    expect(files.length).toBeGreaterThanOrEqual(6);
    const result = await jlt('validate', ...files);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    for (const file of files) expect(result.stdout).toContain(`ok ${file} (`);
    expect(result.stdout).toContain('ok scenarios/study-testbed.yaml (study: 2 states × 2 scenarios)\n');
    expect(result.stdout.match(/\(study: /g)).toHaveLength(files.filter((f) => f.includes('/study-')).length);
  });

  it('reports a bad study with its file and line, as a study', async () => {
    const [badState, missingScenario] = [join(dir, 'study-bad-state.yaml'), join(dir, 'study-missing-scenario.yaml')];
    const study = (bridges: number) => `name: bad\nstates:\n  - name: one\n    testbed: { bridges: ${bridges} }\nscenarios:\n  - ${join(root, 'scenarios/testbed-1x4.yaml')}\n  - missing.yaml\n`;
    await writeFile(badState, study(0));
    await writeFile(missingScenario, study(1));
    const result = await jlt('validate', badState, missingScenario);
    expect(result.code).toBe(2);
    expectNoStack(result);
    expect(result.stderr).toContain(`${badState}:4: states[0].testbed.bridges: must be a positive integer (got 0)\n`);
    expect(result.stderr).toMatch(new RegExp(`^${missingScenario}:7: .*missing\\.yaml`, 'm'));
    expect(result.stderr).toContain('hint: see scenarios/study.schema.json');
  });

  it('reports every problem of every file at once, with lines, and exits 2', async () => {
    const bad = await scenarioFile(
      'bad.yaml',
      minimal.replace('participantsPerConference: 2', 'participantsPerConference: 0') + 'colour: blue\n',
    );
    const good = await scenarioFile('good.yaml', minimal);
    const missing = join(dir, 'missing.yaml');
    const result = await jlt('validate', bad, good, missing);
    expect(result.code).toBe(2);
    expect(result.stdout).toContain(`ok ${good}`);
    const lines = result.stderr.trim().split('\n');
    expect(lines).toContain(`${bad}:4: participantsPerConference: must be a positive integer (got 0)`);
    expect(lines.some((l) => l.startsWith(`${bad}:6: colour: unknown key "colour"; allowed: `))).toBe(true);
    expect(lines).toContain(`${missing}: scenario file not found: ${missing}`);
    expectNoStack(result);
  });

  it.each([
    ['YAML syntax error', 'syntax.yaml', `${minimal}media: video: false\n`, /:6: YAML syntax error: /],
    ['unknown executor', 'executor.yaml', `${minimal}executor: ramping\n`, /:6: executor: unknown executor "ramping"; available: conference-grid/],
    ['bad threshold', 'threshold.yaml', `${minimal}thresholds:\n  webrtc_rtt_ms: ['p(95)=>150']\n`, /:7: thresholds\.webrtc_rtt_ms\[0\]: invalid threshold "p\(95\)=>150"; expected .* with aggregation one of avg, min, max, med, p\(N\), value, count, sum/],
    ['aggregation that does not fit', 'rate.yaml', `${minimal}thresholds:\n  bot_join_success: ['avg>0.9']\n`, /:7: thresholds\.bot_join_success\[0\]: aggregation avg does not apply to a rate metric/],
  ])('%s → exit 2 naming the line', async (_name, fileName, text, message) => {
    const file = await scenarioFile(fileName, text);
    const result = await jlt('validate', file);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stderr.startsWith(file)).toBe(true);
    expectNoStack(result);
  });
});

describe('jlt plan', () => {
  it('lists 30 bots in 10 conferences for scenarios/10x3.yaml as JSON', async () => {
    const result = await jlt('plan', 'scenarios/10x3.yaml', '--json');
    expect(result.code).toBe(0);
    const plan = JSON.parse(result.stdout) as {
      conferences: { name: string }[];
      bots: { id: string; conference: string; startOffsetMs: number; role: string }[];
      rampUpMs: number;
      holdMs: number;
    };
    expect(plan.bots).toHaveLength(30);
    expect(plan.conferences).toHaveLength(10);
    expect(new Set(plan.bots.map((b) => b.conference)).size).toBe(10);
    expect(plan.bots.map((b) => b.startOffsetMs)).toEqual(plan.bots.map((_, i) => i * 2_000));
    expect(plan.bots.every((b) => b.role === 'sender')).toBe(true);
    expect([plan.rampUpMs, plan.holdMs]).toEqual([58_000, 300_000]);
  });

  it('describes the plan in words with a per-conference table', async () => {
    const result = await jlt('plan', 'scenarios/3x10.yaml', '--target-url', 'https://meet.example.org');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('3 conferences × 10 participants, 30 bots over 58 s, then 300 s');
    expect(result.stdout).toContain('target: jitsi https://meet.example.org');
    expect(result.stdout).toMatch(/^room\s+participants\s+senders\s+first start\s+last start$/m);
    expect(result.stdout).toMatch(/^jlt-3x10-02\s+10\s+10\s+20 s\s+38 s$/m);
  });

  it.each([
    ['missing file', ['plan', 'scenarios/nope.yaml'], /^error: scenario file not found: scenarios\/nope\.yaml\nhint: /],
    ['bad --target-url', ['plan', 'scenarios/1x3.yaml', '--target-url', 'meet.example.org'], /^error: --target-url must be an http/],
    ['--target-url on a testbed', ['plan', 'scenarios/testbed-smoke.yaml', '--target-url', 'https://x.example'], /does not apply to a testbed/],
  ])('%s → exit 2', async (_name, args, message) => {
    const result = await jlt(...args);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
    expectNoStack(result);
  });
});

describe('jlt schema', () => {
  it('--check passes on the committed file and fails on a stale one', async () => {
    const fresh = await jlt('schema', '--check', 'scenarios/schema.json');
    expect(fresh.code).toBe(0);
    const stale = await scenarioFile('schema.json', '{}\n');
    const result = await jlt('schema', '--check', stale);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`${stale} is stale`);
  });

  it('--write writes what it prints', async () => {
    const target = join(dir, 'written.json');
    const printed = await jlt('schema');
    expect((JSON.parse(printed.stdout) as { title: string }).title).toBe('jlt scenario');
    expect((await jlt('schema', '--write', target)).code).toBe(0);
    expect((await jlt('schema', '--check', target)).code).toBe(0);
  });
});
