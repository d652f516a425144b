import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { JltError, createStreamLogger, loadScenarioFile, type RunContext, type RunStatus } from '@jlt/core';
import { until } from '@jlt/core/test-support';
import { writeCraftedRun } from '@jlt/reporters/test-support';
import type { RunOutcome } from '../run/run-scenario.js';
import { runStudy, type RunScenarioFn, type StudyDeps } from './run-study.js';

const SCENARIO = (name: string, conferences: number) => `name: ${name}
target: { kind: testbed }
conferences: ${conferences}
participantsPerConference: 2
duration: 12s
`;

const STUDY = `name: demo
pause: 1ms
states:
  - name: single
    testbed: { bridges: 1 }
  - name: octo
    testbed: { bridges: 2, octo: true, strategy: split }
scenarios:
  - a.yaml
`;
const TWO_SCENARIOS = STUDY.replace('  - a.yaml', '  - a.yaml\n  - b.yaml');

let dir: string;
let output: string;
let controller: AbortController;

function context(): RunContext {
  const sink = { write: (chunk: string) => (output += chunk) };
  return { stdout: sink, stderr: sink, env: {}, cwd: dir, logger: createStreamLogger(sink), signal: controller.signal, now: () => Date.now() };
}

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'jlt-run-study-'));
  output = '';
  controller = new AbortController();
  await writeFile(join(dir, 'a.yaml'), SCENARIO('a', 1));
  await writeFile(join(dir, 'b.yaml'), SCENARIO('b', 2));
  await writeFile(join(dir, 'study.yaml'), STUDY);
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const EXIT: Record<RunStatus, number> = { passed: 0, 'thresholds-failed': 99, aborted: 5, interrupted: 130, 'agent-lost': 4, error: 1 };

/**
 * Stands in for runScenario: checks the scenario copy it is given is a valid scenario of the
 * state, and writes a crafted run with the status `decide` picks (or throws what it returns).
 */
function fakeRuns(decide: (call: number, file: string) => RunStatus | Error = () => 'passed', saturatedCalls: number[] = []): { run: RunScenarioFn; calls: string[] } {
  const calls: string[] = [];
  const run: RunScenarioFn = async ({ file, resultsDir }) => {
    const { scenario } = await loadScenarioFile(file);
    const { target } = scenario;
    if (target.kind === 'page') throw new Error('expected a testbed or Jitsi target');
    const results = resultsDir!;
    calls.push(`${scenario.name}/${target.kind === 'testbed' ? target.bridges : target.url}`);
    const decision = decide(calls.length, file);
    if (decision instanceof Error) throw decision;
    const bridges = target.kind === 'testbed' && target.bridges === 1 ? ['jvb-1'] : ['jvb-1', 'jvb-2'];
    await writeCraftedRun(results, { seed: calls.length, conferences: scenario.conferences, botsPerConference: 2, bridges, holdSeconds: 12, rttMs: 20, downloadKbpsPerEndpoint: 100, status: decision, ...(saturatedCalls.includes(calls.length) ? { saturatedAgentSeconds: 12 } : {}) });
    if (decision === 'interrupted') controller.abort();
    return { status: decision, exitCode: EXIT[decision], resultsDir: results } as RunOutcome;
  };
  return { run, calls };
}

function deps(run: RunScenarioFn, applied: string[] = [], failDeploy?: Error): StudyDeps {
  return {
    runScenario: run,
    applyDeploy: async (spec, where) => {
      applied.push(`${spec.state} → ${where.dir.replace(dir, '')}`);
      if (failDeploy) throw failDeploy;
    },
  };
}

const exists = async (path: string): Promise<boolean> => (await stat(path).catch(() => undefined)) !== undefined;

describe('runStudy', () => {
  it('runs every scenario in every state in order, then compares each scenario and writes the index', async () => {
    await writeFile(join(dir, 'study.yaml'), TWO_SCENARIOS);
    const { run, calls } = fakeRuns(undefined, [4]);
    const outcome = await runStudy('study.yaml', {}, context(), deps(run));
    expect(outcome).toMatchObject({ exitCode: 0, dir: join(dir, 'results/study-demo'), ran: 4, skipped: 0 });
    expect(calls).toEqual(['a/1', 'b/1', 'a/2', 'b/2']);
    expect(output).toContain('study demo: run 3 of 4: a in octo → ');
    expect(output.match(/pausing 1ms/g)).toHaveLength(3);
    for (const scenario of ['a', 'b']) {
      const comparison = JSON.parse(await readFile(join(outcome.dir, scenario, 'comparison.json'), 'utf8')) as { runs: { label: string }[] };
      expect(comparison.runs.map((r) => r.label)).toEqual(['single', 'octo']);
      expect(await exists(join(outcome.dir, scenario, 'comparison.md'))).toBe(true);
      expect(await readFile(join(outcome.dir, scenario, 'comparison.html'), 'utf8')).toContain('<title>octo vs single · jlt comparison</title>');
    }
    const index = await readFile(join(outcome.dir, 'index.md'), 'utf8');
    expect(index).toContain('| 4 | b | octo | passed (untrustworthy) | [scenario](b/octo/scenario.yaml) |');
    expect(index).toContain('- **a**: [comparison](a/comparison.html) · [markdown](a/comparison.md) · [json](a/comparison.json)');
    expect(index).toMatch(/^ {4}- RTT, median: [\d.]+ms → [\d.]+ms \([+-]?[\d.]+ %\), (no significant difference|better|worse) \(95 % CI [+-]?[\d.]+ms … [+-]?[\d.]+ms\)$/m);
    expect(index).not.toContain('incomplete');
    const page = await readFile(join(outcome.dir, 'index.html'), 'utf8');
    expect(page.match(/<tr data-progress="done"/g)).toHaveLength(4);
    // Run 4's agent was saturated: the insight rules find it in its store, so the run and b's comparison say so.
    expect([...page.matchAll(/<tr data-progress="done" data-run="([^"]+)">.*?<\/tr>/g)].filter((m) => m[0].includes('untrustworthy')).map((m) => m[1])).toEqual(['b/octo']);
    expect(page).toMatch(/<div data-comparison="b">.*?data-untrustworthy><strong>This comparison cannot be trusted.<\/strong>the numbers of octo are untrustworthy/s);
    expect(page).not.toMatch(/<div data-comparison="a">.*?data-untrustworthy.*?<div data-comparison="b">/s);
    expect(page).toContain('<a href="a/comparison.html">comparison</a>');
    expect(page).toContain('<a href="b/octo/scenario.yaml">scenario</a>');
  });

  it('skips the runs that completed when run again', async () => {
    await runStudy('study.yaml', {}, context(), deps(fakeRuns().run));
    const again = fakeRuns();
    const outcome = await runStudy('study.yaml', {}, context(), deps(again.run));
    expect(outcome).toMatchObject({ exitCode: 0, ran: 0, skipped: 2 });
    expect(again.calls).toEqual([]);
    expect(output).toContain('run 1 of 2: a in single: done before (passed), skipped');
  });

  it('stops cleanly when interrupted, and a rerun redoes only the interrupted run and those after it', async () => {
    await writeFile(join(dir, 'study.yaml'), TWO_SCENARIOS);
    const first = await runStudy('study.yaml', {}, context(), deps(fakeRuns((call) => (call === 2 ? 'interrupted' : 'passed')).run));
    expect(first).toMatchObject({ exitCode: 130, ran: 2 });
    expect(await readFile(join(first.dir, 'index.md'), 'utf8')).toContain('**incomplete**');
    const page = await readFile(join(first.dir, 'index.html'), 'utf8');
    expect([...page.matchAll(/<tr data-progress="(\w+)"/g)].map((m) => m[1])).toEqual(['done', 'interrupted', 'pending', 'pending']);
    expect(page).toContain('id="incomplete-banner"');
    expect(await exists(join(first.dir, 'a', 'octo'))).toBe(false);

    controller = new AbortController();
    const rerun = fakeRuns();
    const second = await runStudy('study.yaml', {}, context(), deps(rerun.run));
    expect(second).toMatchObject({ exitCode: 0, ran: 3, skipped: 1 });
    expect(rerun.calls).toEqual(['b/1', 'a/2', 'b/2']);
    expect(output).toContain('run 2 of 4: b in single: it did not finish before (interrupted); running it again');
    expect(await exists(join(second.dir, 'b', 'single.previous', 'run.json'))).toBe(true);
  });

  it('exits with the first error’s code, else 99 when a run failed its thresholds, and redoes the run that erred', async () => {
    const erring = fakeRuns((call) => (call === 1 ? new JltError('TARGET_UNREACHABLE', 'testbed did not start') : 'thresholds-failed'));
    const outcome = await runStudy('study.yaml', {}, context(), deps(erring.run));
    expect(outcome.exitCode).toBe(3);
    expect(output).toContain('run 1 of 2: a in single failed: testbed did not start');
    // Only one state has a run of a: nothing to compare yet.
    expect(await exists(join(outcome.dir, 'a', 'comparison.md'))).toBe(false);

    const rerun = fakeRuns();
    expect((await runStudy('study.yaml', {}, context(), deps(rerun.run))).exitCode).toBe(99);
    expect(rerun.calls).toEqual(['a/1']);
    expect(await exists(join(outcome.dir, 'a', 'comparison.md'))).toBe(true);
  });

  it('runs a scenario again when the study changed it since it ran', async () => {
    await runStudy('study.yaml', {}, context(), deps(fakeRuns().run));
    await writeFile(join(dir, 'study.yaml'), STUDY.replace('  - a.yaml', '  - { file: a.yaml, overrides: { duration: 15s } }').replace('    testbed: { bridges: 1 }', '    testbed: { bridges: 1, strategy: region }'));
    const rerun = fakeRuns();
    const outcome = await runStudy('study.yaml', { results: 'results/study-demo' }, context(), deps(rerun.run));
    expect(outcome).toMatchObject({ ran: 2, skipped: 0 });
    expect(output).toContain('run 2 of 2: a in octo: its scenario changed since it ran; running it again');
  });

  it('applies a jlt deploy state before its first run, points the runs at it, and not again once its runs are done', async () => {
    await writeFile(join(dir, 'study.yaml'), STUDY.replace('  - name: octo\n    testbed: { bridges: 2, octo: true, strategy: split }', '  - name: cluster\n    deploy: { state: octo, bridges: 2, publicUrl: https://meet.example.org, namespace: meet }'));
    const applied: string[] = [];
    const fake = fakeRuns();
    const outcome = await runStudy('study.yaml', {}, context(), deps(fake.run, applied));
    expect(outcome.exitCode).toBe(0);
    expect(applied).toEqual(['octo → /results/study-demo/deploy-cluster']);
    expect(fake.calls).toEqual(['a/1', 'a/https://meet.example.org']);
    const { scenario } = await loadScenarioFile(join(outcome.dir, 'a', 'cluster', 'scenario.yaml'));
    expect(scenario.target).toMatchObject({ kind: 'jitsi', bridges: { discover: 'kubernetes', namespace: 'meet', release: 'jitsi' } });
    expect(output).toContain('state cluster: jlt deploy octo with 2 bridges at https://meet.example.org, applied before its runs');

    await runStudy('study.yaml', {}, context(), deps(fakeRuns().run, applied));
    expect(applied).toHaveLength(1);
  });

  it('does not run the runs of a state that could not be applied, and exits with the deploy error’s code', async () => {
    await writeFile(join(dir, 'study.yaml'), STUDY.replace('  - name: octo\n    testbed: { bridges: 2, octo: true, strategy: split }', '  - name: cluster\n    deploy: { state: single, publicUrl: https://meet.example.org }'));
    const fake = fakeRuns();
    const outcome = await runStudy('study.yaml', {}, context(), deps(fake.run, [], new JltError('INVALID_ARGUMENT', 'preflight found 1 problem')));
    expect(outcome.exitCode).toBe(2);
    expect(fake.calls).toEqual(['a/1']);
    expect(output).toContain('state cluster could not be applied: preflight found 1 problem');
    expect(output).toContain('run 2 of 2: a in cluster: not run, its state could not be applied');
  });

  it('stops during a pause when interrupted', async () => {
    await writeFile(join(dir, 'study.yaml'), STUDY.replace('pause: 1ms', 'pause: 1m'));
    const fake = fakeRuns();
    const done = runStudy('study.yaml', {}, context(), deps(fake.run));
    await until(() => output.includes('pausing 1m'), 10_000, 'the pause after the first run');
    controller.abort();
    expect(await done).toMatchObject({ exitCode: 130, ran: 1 });
    expect(fake.calls).toEqual(['a/1']);
  });
});
