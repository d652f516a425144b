import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { jlt } from './cli-harness.js';

/**
 * `jlt deploy` as a user runs it on a machine without helm or a cluster: plan renders and prints
 * for both chart generations; apply stops in preflight, naming what is missing, and changes nothing.
 */
const TURN = 'turn-canary-c0ffee42';
const TOKEN = 'token-canary-d00d1e5';
const env = { JLT_TURN_SECRET: TURN, JLT_AGENT_TOKEN: TOKEN };

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => (statSync(join(dir, n)).isDirectory() ? files(join(dir, n)) : [join(dir, n)]));
}

describe('jlt deploy', () => {
  it.each([
    ['1.5.2', 'octo', 2],
    ['1.5.2', 'single', 1],
    ['3.4.0', 'octo', 2],
    ['3.4.0', 'single', 1],
  ] as const)('plan --chart-version %s --state %s writes the values and prints the helm commands', async (chart, state, bridges) => {
    const dir = mkdtempSync(join(tmpdir(), 'jlt-deploy-plan-'));
    const args = ['deploy', 'plan', '--state', state, ...(state === 'octo' ? ['--bridges', '2'] : []), '--chart-version', chart, '--turn-host', 'turn.example.org', '--agents', '2', '--dir', dir];
    const result = await jlt(args, { env });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const values = parse(readFileSync(join(dir, 'helm/jitsi-values.yaml'), 'utf8')) as { octo: { enabled: boolean }; jvb: Record<string, unknown> };
    expect(values.octo.enabled).toBe(state === 'octo');
    expect(values.jvb).toMatchObject({ replicaCount: bridges, useHostPort: true, useNodeIP: true });
    expect(result.stdout).toContain(`helm upgrade --install jitsi jitsi/jitsi-meet --version ${chart} --namespace jitsi --values ${dir}/helm/jitsi-values.yaml --wait --timeout 15m\n`);
    expect(result.stdout).toContain('helm repo add jitsi https://jitsi-contrib.github.io/jitsi-helm/ --force-update\n');
    expect(result.stdout).toContain(`kubectl apply --filename ${dir}/k8s/agents-job.yaml\n`);
    expect(result.stdout).toContain('error: helm is not installed (not on PATH): install helm 3');
    for (const file of files(dir)) for (const canary of [TURN, TOKEN]) expect(readFileSync(file, 'utf8'), file).not.toContain(canary);
    expect(result.stdout).not.toContain(TURN);
  });

  it('apply stops in preflight without helm or a cluster, exit 2, no secret printed', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'jlt-deploy-apply-'));
    const secretFile = join(dir, 'turn.secret');
    writeFileSync(secretFile, `${TURN}\n`);
    const result = await jlt(['deploy', 'apply', '--state', 'octo', '--turn-host', 'turn.example.org', '--turn-secret-file', secretFile, '--dir', join(dir, 'plan')]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^error: preflight found 2 problems; nothing was changed:\n {2}helm is not installed \(not on PATH\): install helm 3 \(https:\/\/helm.sh\/docs\/intro\/install\/\)\n {2}no kube context \(kubectl: /);
    expect(`${result.stdout}${result.stderr}`).not.toContain(TURN);
  });

  it('names every problem with the flags at once', async () => {
    const result = await jlt(['deploy', 'plan', '--state', 'single', '--bridges', '3', '--chart-version', '9.0.0', '--agents', '2']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--state single runs one bridge; drop --bridges 3 or use --state octo');
    expect(result.stderr).toContain('chart version 9.0.0 is not one jlt knows');
    expect(result.stderr).toContain('--agents needs the agent token: pass --agent-token-file FILE or set JLT_AGENT_TOKEN');
  });
});
