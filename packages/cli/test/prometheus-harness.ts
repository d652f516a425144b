import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, waitFor } from './cli-harness.js';

export interface RunningPrometheus {
  url: string;
  /** A directory for files the scrape config refers to (e.g. file_sd targets). */
  dir: string;
  stop(): Promise<void>;
}

/**
 * Starts Debian's real Prometheus on a free loopback port with a temp data dir, scraping every second
 * with the given `scrape_configs` YAML lines (each indented by two spaces under `scrape_configs:`).
 * `scrapeConfigs` receives the temp dir, for configs that point at files in it; `flags` are added to
 * Prometheus's command line (e.g. `--web.enable-remote-write-receiver`).
 */
export async function startPrometheus(scrapeConfigs: (dir: string) => string[], flags: readonly string[] = []): Promise<RunningPrometheus> {
  const dir = mkdtempSync(join(tmpdir(), 'jlt-prometheus-'));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  writeFileSync(
    join(dir, 'prometheus.yml'),
    ['global:', '  scrape_interval: 1s', '  evaluation_interval: 1s', 'scrape_configs:', ...scrapeConfigs(dir), ''].join('\n'),
  );
  const prometheus = spawn(
    '/usr/bin/prometheus',
    [`--config.file=${join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`, '--storage.tsdb.retention.time=1h', ...flags],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  prometheus.stdout.on('data', (c: Buffer) => (output += c.toString()));
  prometheus.stderr.on('data', (c: Buffer) => (output += c.toString()));
  const stop = async (): Promise<void> => {
    if (prometheus.exitCode === null) {
      const exited = new Promise((resolve) => prometheus.once('exit', resolve));
      prometheus.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
      if (prometheus.exitCode === null) prometheus.kill('SIGKILL');
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitFor(
      async () => {
        if (prometheus.exitCode !== null) throw new Error(`prometheus exited: ${output.slice(-2000)}`);
        return fetch(`${url}/-/ready`).then((r) => r.ok, () => false);
      },
      30_000,
      'Prometheus to be ready',
    );
  } catch (error) {
    await stop();
    throw error;
  }
  return { url, dir, stop };
}
