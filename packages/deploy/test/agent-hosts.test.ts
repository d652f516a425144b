import { execFile, execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { createStreamLogger, type RunContext } from '@jlt/core';
import { applyDeployState, DEFAULT_INFRA_DIR, destroyDeploy, processToolRunner, resolveDeployOptions, type ToolRunner } from '@jlt/deploy';
import { FakeCluster } from '@jlt/deploy/test-support';

/**
 * The agent-host playbook for real: jlt deploy runs it through ansible-runner against localhost
 * (connection local) into a temporary root, with packages, the service user and systemd left to
 * the host (jlt_agent_manage_system false), so it cannot change this machine. helm and kubectl,
 * which cannot run here, are the fake cluster.
 */
const CANARY = 'agent-token-canary-6f3d9e21';
const SSH_CANARY = 'ssh-password-canary-91b2c7';
const playbooks = ['agent-hosts.yml', 'cluster.yml'];
const ansibleDir = join(DEFAULT_INFRA_DIR, 'ansible');
const run = promisify(execFile);

function allFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? allFiles(p) : statSync(p).isFile() ? [p] : [];
  });
}

/** ansible-* for real, everything else to the fake cluster; every argv is kept for the canary check. */
function mixedRunner(cluster: FakeCluster, argvs: string[]): ToolRunner {
  const real = processToolRunner(process.env);
  return {
    run(invocation, options) {
      argvs.push(invocation.argv.join(' '));
      return invocation.argv[0]!.startsWith('ansible') ? real.run(invocation, options) : cluster.run(invocation);
    },
  };
}

describe('infra/ansible', () => {
  it.each(playbooks)('%s passes ansible-playbook --syntax-check', async (playbook) => {
    const { stdout } = await run('ansible-playbook', ['--syntax-check', '-i', join(ansibleDir, 'inventory.example/hosts.yml'), playbook], { cwd: ansibleDir });
    expect(stdout).toContain(`playbook: ${playbook}`);
  });

  it('passes ansible-lint (production profile)', async () => {
    const { stdout, stderr } = await run('ansible-lint', ['--nocolor', ...playbooks], { cwd: ansibleDir, env: { ...process.env, NO_COLOR: '1' } });
    expect(`${stdout}${stderr}`).toMatch(/Passed with production profile: 0 failure\(s\), 0 warning\(s\) on \d+ files/);
  });

  it('installs the agent on localhost idempotently, with per-task progress and a recap from ansible-runner, and removes it', async () => {
    const work = mkdtempSync(join(tmpdir(), 'jlt-agent-host-'));
    const root = join(work, 'root');
    mkdirSync(root);
    const bundleSrc = join(work, 'bundle');
    mkdirSync(join(bundleSrc, 'dist'), { recursive: true });
    writeFileSync(join(bundleSrc, 'package.json'), '{"name":"jlt","version":"0.1.0"}\n');
    writeFileSync(join(bundleSrc, 'dist/bin.js'), '#!/usr/bin/env node\n');
    const bundle = join(work, 'jlt-agent.tgz');
    execFileSync('tar', ['-czf', bundle, '-C', bundleSrc, '.']);
    const inventory = join(work, 'inventory.yml');
    writeFileSync(
      inventory,
      [
        'all:',
        '  children:',
        '    jlt_agents:',
        '      hosts:',
        '        localhost:',
        '          ansible_connection: local',
        '          ansible_python_interpreter: /usr/bin/python3',
        '          jlt_agent_manage_system: false',
        `          jlt_agent_prefix: ${root}`,
        '',
      ].join('\n'),
    );
    const options = resolveDeployOptions(
      { state: 'single', agentHosts: true, inventory, coordinator: 'ws://127.0.0.1:7800', agentBundle: bundle, agentMaxBots: 6, dir: join(work, 'plan') },
      { env: { JLT_AGENT_TOKEN: CANARY, JLT_SSH_PASSWORD: SSH_CANARY }, cwd: work },
      'apply',
    );
    let output = '';
    const stream = { write: (chunk: string) => (output += chunk) };
    const ctx: RunContext = { stdout: stream, stderr: stream, env: { JLT_AGENT_TOKEN: CANARY, JLT_SSH_PASSWORD: SSH_CANARY }, cwd: work, logger: createStreamLogger(stream), signal: new AbortController().signal, now: () => 0 };
    const argvs: string[] = [];
    const runner = mixedRunner(new FakeCluster({ tools: ['kubectl', 'helm'] }), argvs);

    const first = await applyDeployState(options, ctx, { runner });
    const firstRecap = first.steps.at(-1)!.recap!;
    expect(firstRecap.localhost).toMatchObject({ failed: 0, unreachable: 0 });
    expect(firstRecap.localhost!.changed).toBeGreaterThanOrEqual(6);
    expect(output).toContain('  TASK Write the systemd unit\n    changed: localhost\n');
    expect(output).toMatch(/ {2}RECAP\n {4}localhost {2}ok=\d+ changed=\d+ failed=0 unreachable=0 skipped=\d+\n/);

    const unit = readFileSync(join(root, 'etc/systemd/system/jlt-agent.service'), 'utf8');
    expect(unit).toContain('ExecStart=/usr/bin/node /opt/jlt/current/dist/bin.js agent --coordinator ${JLT_AGENT_COORDINATOR} --token-file /etc/jlt/agent-token --name ${JLT_AGENT_NAME} --max-bots ${JLT_AGENT_MAX_BOTS}\n');
    expect(unit).toMatch(/MemoryMax=85%\nTasksMax=8192\nLimitNOFILE=65536\n/);
    expect(readFileSync(join(root, 'etc/jlt/agent.env'), 'utf8')).toContain('JLT_AGENT_COORDINATOR=ws://127.0.0.1:7800\nJLT_AGENT_NAME=localhost\nJLT_AGENT_MAX_BOTS=6\n');
    expect(readFileSync(join(root, 'opt/jlt/current/package.json'), 'utf8')).toContain('"name":"jlt"');
    // The token reaches the agent's token file (its destination), from the vaulted variable.
    expect(readFileSync(join(root, 'etc/jlt/agent-token'), 'utf8')).toBe(`${CANARY}\n`);
    expect(statSync(join(root, 'etc/jlt/agent-token')).mode & 0o777).toBe(0o640);
    expect(readFileSync(join(options.dir, 'ansible/vault.yml'), 'utf8')).toMatch(/^\$ANSIBLE_VAULT;1\.1;AES256\n/);

    const second = await applyDeployState(options, ctx, { runner });
    expect(second.steps.at(-1)!.recap!.localhost).toMatchObject({ changed: 0, failed: 0, unreachable: 0 });

    await destroyDeploy(options, ctx, { runner });
    expect(existsSync(join(root, 'etc/systemd/system/jlt-agent.service'))).toBe(false);
    expect(existsSync(join(root, 'opt/jlt'))).toBe(false);

    // The canaries (token, and the ssh password vaulted as ansible_password) are in no output,
    // command line, rendered file, vault or ansible-runner artifact.
    const files = allFiles(options.dir);
    expect(files.some((f) => f.includes('/artifacts/agent-hosts/job_events/'))).toBe(true);
    for (const canary of [CANARY, SSH_CANARY]) {
      expect(output).not.toContain(canary);
      expect(argvs.filter((a) => a.includes(canary))).toEqual([]);
      for (const file of files) expect(readFileSync(file, 'utf8'), file).not.toContain(canary);
    }
  });
});
