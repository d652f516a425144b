import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { DOMParser } from '@xmldom/xmldom';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, jlt, jltBin, queryResults as query } from './cli-harness.js';

interface MetricSummary {
  count?: number;
  avg?: number;
  min?: number;
  rate?: number;
}
interface SummaryFile {
  bots: { planned: number; joined: number; failed: number };
  thresholds: { key: string; passed: boolean }[];
  metrics: Record<string, MetricSummary>;
}

let dir: string;
beforeAll(async () => {
  expect(existsSync(jltBin), `build the CLI first: npx tsc -b packages/cli (${jltBin} is missing)`).toBe(true);
  dir = await mkdtemp(join(tmpdir(), 'jlt-run-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('jlt run against the testbed', () => {
  it('runs testbed-smoke: 3 bots join, receive video and audio, and every sample names its bridge', async () => {
    const out = join(dir, 'smoke');
    const summaryFile = join(dir, 'smoke-summary.json');
    // Outputs chosen on the command line replace the scenario's junit and json; a custom output
    // that breaks on its first samples is reported once and stops neither the run nor the others.
    const failing = join(dir, 'failing-output.mjs');
    await writeFile(
      failing,
      `export default { name: 'failing', create: () => ({ name: 'failing', start: async () => {}, addSamples() { throw new Error('sink refused'); },
        addEvents() {}, onRunEnd: async () => {}, stop: async () => {} }) };\n`,
    );
    const junitFile = join(dir, 'ci', 'junit.xml');
    const ndjsonFile = join(dir, 'smoke.ndjson');
    const result = await jlt(
      ['run', 'scenarios/testbed-smoke.yaml', '--results', out, '--summary-export', summaryFile, '--out', `junit=${junitFile}`, '--out', `json=${ndjsonFile}`, '--out', failing],
      { timeoutMs: 170_000 },
    );
    expect(result.code, `${result.stdout}\n${result.stderr}`).toBe(0);
    expect(result.stdout).toContain('✓');
    expect(result.stdout).toContain(`    ✗ failing failed in addSamples: sink refused\n`);
    expect(result.stdout).toContain(`  junit:   ${junitFile}\n`);
    expect(result.stderr.match(/output "failing" failed/g)).toHaveLength(1);
    const runJson = JSON.parse(await readFile(join(out, 'run.json'), 'utf8')) as { outputFailures: unknown[]; insights: { severity: string }[]; agents: { cores?: number }[] };
    // The agent's cores are recorded, so the saturated-agent rule checks its CPU, not only its lag.
    expect(runJson.agents.map((a) => a.cores)).toEqual([cpus().length]);
    expect(runJson.outputFailures).toEqual([{ output: 'failing', phase: 'addSamples', message: 'sink refused' }]);
    expect(existsSync(join(out, 'junit.xml')), 'the default junit.xml is replaced by --out junit=FILE').toBe(false);
    // The HTML report is on by default, in the results directory, its path printed with the files;
    // it lists the output that failed.
    expect(result.stdout).toContain(`  report:  ${join(out, 'report.html')}\n`);
    const report = await readFile(join(out, 'report.html'), 'utf8');
    expect(report).toContain('sink refused');
    expect(report).toContain('testbed-smoke');

    const summary = JSON.parse(await readFile(summaryFile, 'utf8')) as SummaryFile;
    expect(summary.bots).toEqual({ planned: 3, joined: 3, failed: 0 });
    expect(summary.thresholds.every((t) => t.passed)).toBe(true);
    expect(summary.metrics.webrtc_rtt_ms?.count).toBeGreaterThan(0);

    const perBot = await query(
      out,
      `select json_extract_string(meta, '$.bot') as bot, max(value) filter (where metric = 'webrtc_recv_fps') as fps,
              max(value) filter (where metric = 'webrtc_recv_kbps') as kbps
         from samples where metric in ('webrtc_recv_fps', 'webrtc_recv_kbps') group by 1 order by 1`,
    );
    expect(perBot).toHaveLength(3);
    for (const row of perBot) {
      expect(Number(row.fps), `bot ${String(row.bot)} received no frames`).toBeGreaterThan(0);
      expect(Number(row.kbps), `bot ${String(row.bot)} received no bits`).toBeGreaterThan(0);
    }
    const untagged = await query(out, `select count(*) as n from samples where metric like 'webrtc_%' and (bridge is null or bridge <> 'jvb-1')`);
    expect(Number(untagged[0]!.n)).toBe(0);

    const suite = new DOMParser().parseFromString(await readFile(junitFile, 'utf8'), 'text/xml').getElementsByTagName('testsuite')[0]!;
    // One case per threshold, one for the bots joining, and a failing one per insight that makes the
    // run untrustworthy (three bots and the testbed can saturate a 2-core agent): JUnit agrees with run.json.
    const untrustworthy = runJson.insights.filter((i) => i.severity === 'untrustworthy').length;
    expect(['name', 'tests', 'failures', 'errors'].map((a) => suite.getAttribute(a))).toEqual(['testbed-smoke', String(summary.thresholds.length + 1 + untrustworthy), String(untrustworthy), '0']);
    const ndjson = (await readFile(ndjsonFile, 'utf8')).trim().split('\n');
    expect(JSON.parse(ndjson.at(-1)!)).toMatchObject({ type: 'end', status: 'passed' });
  });

  it('exits 99 when a threshold cannot hold, and keeps the results', async () => {
    const file = join(dir, 'impossible.yaml');
    await writeFile(
      file,
      `name: impossible
target: { kind: testbed }
conferences: 1
participantsPerConference: 2
duration: 4s
media: { video: { width: 320, height: 180, fps: 10 }, audio: false }
thresholds:
  webrtc_rtt_ms: ['max<0']
`,
    );
    const out = join(dir, 'impossible');
    const result = await jlt(['run', file, '--results', out], { timeoutMs: 150_000 });
    expect(result.code, result.stderr).toBe(99);
    expect(result.stdout).toMatch(/✗ 'max<0'/);
    const run = JSON.parse(await readFile(join(out, 'run.json'), 'utf8')) as { status: string };
    expect(run.status).toBe('thresholds-failed');
  });

  it('fails fast with exit 3 and a clear message when the target URL is unreachable, never showing its password', async () => {
    const port = await freePort();
    const file = join(dir, 'unreachable.yaml');
    await writeFile(file, `name: unreachable\ntarget: { kind: jitsi }\nconferences: 1\nparticipantsPerConference: 1\nduration: 5s\n`);
    const out = join(dir, 'unreachable');
    const result = await jlt(['run', file, '--results', out, '--target-url', `http://bot:Canary-7f01@127.0.0.1:${port}`], { timeoutMs: 30_000 });
    expect(result.code).toBe(3);
    expect(result.stderr).toContain(`target http://bot:***@127.0.0.1:${port}/ is unreachable: ECONNREFUSED`);
    expect(result.stderr).toContain('hint:');
    expect(`${result.stdout}${result.stderr}`).not.toContain('Canary-7f01');
    // Reachability is checked before anything is written: the results directory stays empty.
    expect(await readdir(out)).toEqual([]);
    expect(result.durationMs).toBeLessThan(15_000);
  });
});
