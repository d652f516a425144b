/**
 * Report-build benchmark (DESIGN.md budget: `jlt report` on a one-hour, 300-bot run of about 20M
 * samples in under 30 s; issue 9: the report at most 10 MB, drawn in Chromium within 3 s).
 * 1. Writes a synthetic results store of that size (writeSyntheticRun: 30 conferences × 10 bots on
 *    4 bridges and 4 agents for an hour, client stats every 490 ms, /colibri/stats every 5 s,
 *    Prometheus every 15 s, /debug placement, events) — generated inside DuckDB, not timed.
 * 2. Baseline: what `jlt export DIR --format parquet` does (exportResults: one DuckDB COPY per table
 *    of the same store), in this process.
 * 3. What `jlt report DIR --out FILE` does (writeRunReport), in this process; --rounds alternating
 *    rounds, best of each. Both are timed in wall-clock and in CPU seconds of this process (all
 *    threads, DuckDB's included), which other processes' load does not inflate; then one real
 *    `jlt report` child process for the wall time a user sees.
 * 4. Opens the report in Chromium and times navigation → every chart and map drawn.
 * Usage: see bench/README.md.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { exportResults, writeRunReport } from '../packages/reporters/dist/index.js';
import { SMALL_SYNTHETIC_RUN, writeSyntheticRun, type SyntheticRunShape } from '../packages/reporters/dist/test-support/index.js';
import { chromium } from './playwright.js';
import { measure, type Measure } from './measure.js';

const { values: args } = parseArgs({
  options: {
    rounds: { type: 'string', default: '2' },
    'stats-interval': { type: 'string', default: '490' },
    keep: { type: 'boolean', default: false },
  },
});
const rounds = Number(args.rounds);
const jltBin = fileURLToPath(new URL('../packages/cli/dist/bin.js', import.meta.url));

const HOUR = 3_600_000;
const shape: SyntheticRunShape = {
  ...SMALL_SYNTHETIC_RUN,
  scenario: 'bench-30x10',
  bridges: 4,
  conferences: 30,
  participants: 10,
  agents: 4,
  leadMs: 20_000,
  rampEveryMs: 2_000,
  // The last bot joins after 10 min; everyone leaves at one hour.
  holdMs: HOUR - 20_000 - 300 * 2_000,
  statsIntervalMs: Number(args['stats-interval']),
  jvbIntervalMs: 5_000,
  tailMs: 60_000,
  collectorGapMs: 60_000,
  saturationMs: 120_000,
};

function timeJlt(...cliArgs: string[]): Promise<number> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [jltBin, ...cliArgs], { timeout: 600_000, maxBuffer: 16 << 20 }, (error, _stdout, stderr) => {
      if (error) reject(new Error(`jlt ${cliArgs.join(' ')} failed: ${stderr}`, { cause: error }));
      else resolve(performance.now() - started);
    });
  });
}

const best = (a: Measure, b: Measure): Measure => ({ wallMs: Math.min(a.wallMs, b.wallMs), cpuMs: Math.min(a.cpuMs, b.cpuMs) });
const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;
const both = (m: Measure): string => `${seconds(m.wallMs)} wall, ${seconds(m.cpuMs)} CPU`;
const root = await mkdtemp(join(tmpdir(), 'jlt-bench-report-'));
try {
  const dir = join(root, 'run');
  const generated = performance.now();
  const { samples } = await writeSyntheticRun(dir, shape);
  const storeBytes = (await stat(join(dir, 'results.duckdb'))).size;
  console.log(`synthetic store: ${(samples / 1e6).toFixed(1)}M samples, ${(storeBytes / 1e6).toFixed(0)} MB, generated in ${seconds(performance.now() - generated)}`);

  const file = join(root, 'report.html');
  let baseline: Measure = { wallMs: Infinity, cpuMs: Infinity };
  let report: Measure = { wallMs: Infinity, cpuMs: Infinity };
  for (let round = 1; round <= rounds; round++) {
    const outDir = join(root, `parquet-${round}`);
    const exported = await measure(() => exportResults(dir, 'parquet', outDir));
    await rm(outDir, { recursive: true, force: true });
    const built = await measure(() => writeRunReport(dir, { out: file }));
    console.log(`round ${round}: parquet export ${both(exported)}; report ${both(built)}`);
    baseline = best(baseline, exported);
    report = best(report, built);
  }
  const cli = await timeJlt('report', dir, '--out', file);
  const reportBytes = (await stat(file)).size;
  console.log(`best: baseline (parquet export) ${both(baseline)}; report ${both(report)}; ratio report/baseline ${(report.wallMs / baseline.wallMs).toFixed(2)} wall, ${(report.cpuMs / baseline.cpuMs).toFixed(2)} CPU`);
  console.log(`jlt report (child process): ${seconds(cli)} wall (budget 30 s); report ${(reportBytes / 1e6).toFixed(2)} MB (budget 10 MB)`);

  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run'] });
  try {
    const times: number[] = [];
    let charts = 0;
    let drawn = 0;
    for (let round = 1; round <= 3; round++) {
      const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
      const started = performance.now();
      await page.goto(`file://${file}`);
      await page.waitForFunction(() => document.documentElement.dataset.ready === 'true' || document.documentElement.dataset.error !== undefined, undefined, { timeout: 60_000 });
      times.push(performance.now() - started);
      const error = await page.evaluate(() => document.documentElement.dataset.error);
      if (error !== undefined) throw new Error(`the report failed to draw: ${error}`);
      [charts, drawn] = await page.$$eval('.plot', (plots) => [plots.length, plots.filter((p) => Number((p as HTMLElement).dataset.points) > 0).length]);
      await page.close();
    }
    console.log(`chromium: ${drawn} of ${charts} charts drawn with data; open → drawn ${times.map((t) => seconds(t)).join(', ')} (best ${seconds(Math.min(...times))}, budget 3 s)`);
  } finally {
    await browser.close();
  }
  if (args.keep) console.log(`kept ${root}`);
} finally {
  if (!args.keep) await rm(root, { recursive: true, force: true });
}
