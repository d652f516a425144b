import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeCraftedRun, type CraftedRun } from '@jlt/reporters/test-support';
import { jlt, jltBin, spawnJlt, waitFor } from './cli-harness.js';

let dir: string;
beforeAll(async () => {
  expect(existsSync(jltBin), `build the CLI first: npx tsc -b packages/cli (${jltBin} is missing)`).toBe(true);
  dir = await mkdtemp(join(tmpdir(), 'jlt-compare-study-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('jlt compare on crafted stores', () => {
  const single: CraftedRun = { seed: 1, conferences: 1, botsPerConference: 4, bridges: ['jvb-1'], holdSeconds: 30, rttMs: 20, downloadKbpsPerEndpoint: 100 };
  beforeAll(async () => {
    await writeCraftedRun(join(dir, 'single'), single);
    await writeCraftedRun(join(dir, 'octo'), { ...single, seed: 2, conferences: 2, botsPerConference: 2, bridges: ['jvb-1', 'jvb-2'], rttMs: 60 });
  });

  it('prints the Markdown comparison with verdicts, and writes JSON for scripts', async () => {
    const md = await jlt(['compare', join(dir, 'single'), join(dir, 'octo'), '--labels', 'single,octo', '--format', 'md']);
    expect(md.code, md.stderr).toBe(0);
    expect(md.stdout).toMatch(/^### jlt compare: octo vs single$/m);
    expect(md.stdout).toMatch(/^\| `webrtc_rtt_ms` \| .+ \| ❌ worse<br>Δ median \+/m);
    expect(md.stdout).toMatch(/^\| `jvb_download_kbps \(bridge jvb-2\)` \| — → /m);

    const out = join(dir, 'comparison.json');
    const json = await jlt(['compare', join(dir, 'single'), join(dir, 'octo'), '--format', 'json', '--out', out]);
    expect(json.code, json.stderr).toBe(0);
    const comparison = JSON.parse(await readFile(out, 'utf8')) as { formatVersion: number; runs: { label: string }[]; rows: { id: string }[] };
    expect(comparison.formatVersion).toBe(1);
    expect(comparison.runs.map((r) => r.label)).toEqual(['A', 'B']);
    expect(comparison.rows.map((r) => r.id)).toContain('jvb_download_kbps{total}');
  });

  it('exits 2 naming the directory that cannot be read', async () => {
    const missing = join(dir, 'nope');
    const result = await jlt(['compare', join(dir, 'single'), missing]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`results directory not found: ${missing}`);
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect((await jlt(['compare', join(dir, 'single')])).code).toBe(2);
  });
});

describe('jlt study against the testbed', () => {
  it('stops cleanly when interrupted, and a rerun completes without redoing the finished run', async () => {
    await writeFile(
      join(dir, 'tiny.yaml'),
      `name: tiny
target: { kind: testbed }
conferences: 1
participantsPerConference: 2
rampUp: { every: 1s }
duration: 8s
media: { video: { width: 320, height: 180, fps: 15 }, audio: true }
collect: { jvb: { interval: 2s } }
thresholds:
  bot_join_success: ['rate>0.99']
`,
    );
    const study = join(dir, 'study.yaml');
    await writeFile(
      study,
      `name: tiny
pause: 1s
states:
  - { name: single, testbed: { bridges: 1 } }
  - { name: octo, testbed: { bridges: 2, octo: true, strategy: split } }
scenarios: [tiny.yaml]
`,
    );
    const results = join(dir, 'study');
    const second = join(results, 'tiny', 'octo');

    const first = spawnJlt(['study', study, '--results', results]);
    const exited = new Promise<number | null>((resolve) => first.on('exit', (code) => resolve(code)));
    // Interrupt the second run once its testbed is up (its run.json says so; the store itself is
    // held by the running process): the first run is complete by then.
    const targetUp = async (): Promise<boolean> => {
      const run = await readFile(join(second, 'run.json'), 'utf8').then((text) => JSON.parse(text) as { target?: unknown }, () => undefined);
      return run?.target !== undefined;
    };
    await waitFor(targetUp, 120_000, 'the second run to start its testbed');
    first.kill('SIGINT');
    expect(await exited, first.output()).toBe(130);
    expect(first.output()).toContain('study tiny: interrupted; rerun to finish');
    const firstRun = JSON.parse(await readFile(join(results, 'tiny', 'single', 'run.json'), 'utf8')) as { status: string };
    expect(firstRun.status).toBe('passed');
    expect((JSON.parse(await readFile(join(second, 'run.json'), 'utf8')) as { status: string }).status).toBe('interrupted');

    const rerun = await jlt(['study', study, '--results', results], { timeoutMs: 150_000 });
    expect(rerun.code, `${rerun.stdout}\n${rerun.stderr}`).toBe(0);
    expect(rerun.stderr).toContain('study tiny: run 1 of 2: tiny in single: done before (passed), skipped');
    expect(rerun.stderr).toContain('study tiny: run 2 of 2: tiny in octo: it did not finish before (interrupted); running it again');
    expect(rerun.stderr).toContain('study tiny: done: 1 run(s) now, 1 from before');
    const comparison = JSON.parse(await readFile(join(results, 'tiny', 'comparison.json'), 'utf8')) as { runs: { label: string; bridges: string[] }[] };
    expect(comparison.runs.map((r) => [r.label, r.bridges])).toEqual([
      ['single', ['jvb-1']],
      ['octo', ['jvb-1', 'jvb-2']],
    ]);
    const index = await readFile(join(results, 'index.md'), 'utf8');
    expect(index).toContain('| 2 | tiny | octo | passed |');
    expect(index).toContain('[comparison](tiny/comparison.html)');
    const page = await readFile(join(results, 'index.html'), 'utf8');
    expect([...page.matchAll(/<tr data-progress="(\w+)"/g)].map((m) => m[1])).toEqual(['done', 'done']);
    expect(await readFile(join(results, 'tiny', 'comparison.html'), 'utf8')).toContain('<title>octo vs single · jlt comparison</title>');
  });
});
