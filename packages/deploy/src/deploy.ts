import { chmod, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { stringify } from 'yaml';
import { JltError, type RunContext } from '@jlt/core';
import { formatRecap, parseJobEvent, type HostRecap } from './ansible-events.js';
import { inspectCluster, releaseFact, toolMessage, type ClusterFacts } from './cluster.js';
import type { DeployOptions } from './options.js';
import { preflight, requiredPorts, type PreflightFinding } from './preflight.js';
import { renderDeployment, renderDestroy, type RenderedDeployment } from './render.js';
import { generateSecret, readSecret, Redactor, type SecretSource, type SecretValue } from './secrets.js';
import {
  ansibleRunnerArgv,
  describeStep,
  helmReleaseArgv,
  helmUninstallArgv,
  secretApplyArgv,
  vaultEncryptArgv,
  type AnsiblePaths,
  type Step,
} from './steps.js';
import { processToolRunner, shellQuote, type ToolRunner } from './tool-runner.js';

/** What deploy runs its tools through; tests pass a fake runner, the CLI the process one. */
export interface DeployDeps {
  runner?: ToolRunner;
}

export interface PlanResult {
  dir: string;
  files: string[];
  /** The commands apply would run, in order, as printed. */
  commands: string[];
  findings: PreflightFinding[];
}

export interface StepOutcome {
  title: string;
  commands: string[];
  /** Per-host recap of a playbook step. */
  recap?: Record<string, HostRecap>;
}

export interface ApplyResult {
  state: DeployOptions['state'];
  bridges: number;
  steps: StepOutcome[];
}

function runnerOf(deps: DeployDeps, ctx: RunContext): ToolRunner {
  return deps.runner ?? processToolRunner(ctx.env);
}

async function render(options: DeployOptions): Promise<RenderedDeployment> {
  let dashboard: string | undefined;
  if (options.monitoring) {
    dashboard = await readFile(options.monitoring.dashboardFile, 'utf8').catch(() => {
      throw new JltError('INVALID_ARGUMENT', `--monitoring provisions Grafana with ${options.monitoring!.dashboardFile}, which is missing`);
    });
  }
  return renderDeployment(options, dashboard);
}

async function writeFiles(dir: string, rendered: RenderedDeployment, commands: string[]): Promise<string[]> {
  const written: string[] = [];
  for (const file of rendered.files) {
    const path = join(dir, file.path);
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, file.content);
    if (file.mode !== undefined) await chmod(path, file.mode);
    written.push(path);
  }
  const script = join(dir, 'commands.sh');
  await writeFile(script, `#!/bin/sh\n# The commands \`jlt deploy apply\` runs, in order; secrets are read from their sources at apply time.\nset -e\n${commands.join('\n')}\n`);
  written.push(script);
  return written;
}

function wantedReleases(options: DeployOptions) {
  return [{ release: options.release, namespace: options.namespace }, ...(options.monitoring ? [{ release: options.monitoring.release, namespace: options.monitoring.namespace }] : [])];
}

async function inspect(options: DeployOptions, runner: ToolRunner, ctx: RunContext): Promise<ClusterFacts> {
  return inspectCluster(runner, { releases: wantedReleases(options), ansible: options.prepareCluster || options.agentHosts !== undefined, ownRelease: options.release }, ctx.signal);
}

function commandsOf(rendered: RenderedDeployment, facts: ClusterFacts): string[][] {
  return rendered.steps.map((step) => {
    const exists = step.kind === 'helm-release' ? facts.releases[step.release] : undefined;
    return describeStep(step, rendered.ansible, exists === undefined ? undefined : exists !== null);
  });
}

function summaryLine(options: DeployOptions): string {
  const what = options.state === 'octo' ? `octo state: ${options.bridges} bridges relaying conferences` : 'single state: one bridge, no octo';
  const strategy = options.state === 'octo' ? `, bridge selection ${options.bridgeSelection ?? options.chart.octoStrategy}` : '';
  return `${what} (jitsi/jitsi-meet ${options.chart.version}, release ${options.release} in namespace ${options.namespace}${strategy})`;
}

function formatFindings(findings: PreflightFinding[]): string[] {
  return findings.map((f) => `  ${f.level}: ${f.message}`);
}

/**
 * `jlt deploy plan`: writes the rendered files into `options.dir` and prints the exact commands
 * apply would run. Reads the cluster if it can (to say install or upgrade, and what apply's
 * preflight would stop at) and changes nothing.
 */
export async function planDeploy(options: DeployOptions, ctx: RunContext, deps: DeployDeps = {}): Promise<PlanResult> {
  const runner = runnerOf(deps, ctx);
  const rendered = await render(options);
  const facts = await inspect(options, runner, ctx);
  const findings = preflight(options, facts);
  const perStep = commandsOf(rendered, facts);
  const commands = perStep.flat();
  const files = await writeFiles(options.dir, rendered, commands);
  const out: string[] = [summaryLine(options), '', `wrote ${files.length} files to ${options.dir}:`, ...files.map((f) => `  ${f}`), '', 'apply runs, in order:'];
  rendered.steps.forEach((step, i) => {
    out.push(`  # ${i + 1}. ${step.title}`);
    for (const line of perStep[i]!) out.push(`  ${line}`);
  });
  const unknown = rendered.steps.filter((s) => s.kind === 'helm-release' && facts.releases[s.release] === undefined).map((s) => (s as { release: string }).release);
  if (unknown.length > 0) {
    const which = unknown.length === 1 ? `release ${unknown[0]} exists` : `releases ${unknown.join(' and ')} exist`;
    out.push(`  # helm upgrade --install: without the cluster, plan cannot tell whether ${which}; apply runs install or upgrade`);
  }
  out.push('', 'ports the clients and bridges need open:', ...requiredPorts(options).map((p) => `  ${p}`));
  if (findings.length > 0) out.push('', 'preflight (apply stops at errors before changing anything):', ...formatFindings(findings));
  ctx.stdout.write(`${out.join('\n')}\n`);
  return { dir: options.dir, files, commands, findings };
}

/**
 * Puts the cluster into the options' state: writes the rendered files, runs preflight (stopping
 * before any change if it finds an error), then runs each step in order with progress on stderr,
 * stopping at the first failure with the tool's own message. Every step is idempotent, so apply
 * after a failure, or apply of another state (single ⇄ octo: `helm upgrade`), is safe.
 *
 * This is the library entry `jlt study` calls before the runs of each deploy state.
 */
export async function applyDeployState(options: DeployOptions, ctx: RunContext, deps: DeployDeps = {}): Promise<ApplyResult> {
  const runner = runnerOf(deps, ctx);
  const rendered = await render(options);
  const facts = await inspect(options, runner, ctx);
  const findings = preflight(options, facts);
  const commands = commandsOf(rendered, facts).flat();
  await writeFiles(options.dir, rendered, commands);
  for (const f of findings.filter((x) => x.level === 'warning')) ctx.stderr.write(`warning: ${f.message}\n`);
  const errors = findings.filter((f) => f.level === 'error');
  if (errors.length > 0) {
    throw new JltError('PREFLIGHT_FAILED', `preflight found ${errors.length} problem${errors.length === 1 ? '' : 's'}; nothing was changed:\n${errors.map((e) => `  ${e.message}`).join('\n')}`);
  }
  ctx.stderr.write(`${summaryLine(options)}\n`);
  const steps = await runSteps(rendered, options, runner, ctx);
  ctx.stderr.write(`applied: ${options.state} state with ${options.bridges} bridge${options.bridges === 1 ? '' : 's'}\n`);
  return { state: options.state, bridges: options.bridges, steps };
}

/** `jlt deploy destroy`: undoes apply in reverse order; what is already gone is skipped. */
export async function destroyDeploy(options: DeployOptions, ctx: RunContext, deps: DeployDeps = {}): Promise<StepOutcome[]> {
  const runner = runnerOf(deps, ctx);
  const rendered = renderDestroy(options);
  const facts = await inspectCluster(runner, { releases: [], ansible: options.agentHosts !== undefined, ownRelease: options.release }, ctx.signal);
  const missing = (['kubectl', 'helm', ...(options.agentHosts ? (['ansible-runner', 'ansible-playbook'] as const) : [])] as const).filter((t) => !facts.tools[t].found);
  if (missing.length > 0) throw new JltError('PREFLIGHT_FAILED', `destroy needs ${missing.join(' and ')}, not found on PATH; nothing was changed`);
  if (facts.context === undefined || facts.nodes === undefined) {
    throw new JltError('PREFLIGHT_FAILED', `cannot reach the cluster: ${facts.unreachable ?? 'no kube context'}; nothing was changed`);
  }
  await writeFiles(options.dir, rendered, commandsOf(rendered, facts).flat());
  const steps = await runSteps(rendered, options, runner, ctx);
  ctx.stderr.write('destroyed: Jitsi and what jlt created for it are gone (namespaces and a prepared cluster stay)\n');
  return steps;
}

/** Reads every secret the steps need, before the first step runs, so a missing one changes nothing. */
async function readStepSecrets(steps: Step[], ctx: RunContext, redactor: Redactor): Promise<Map<SecretSource, SecretValue>> {
  const values = new Map<SecretSource, SecretValue>();
  const sources = steps.flatMap((step): SecretSource[] =>
    step.kind === 'secret'
      ? Object.values(step.secret.data).filter((s): s is SecretSource => s.kind !== 'literal')
      : step.kind === 'playbook'
        ? Object.values(step.secretVars)
        : [],
  );
  for (const source of sources) {
    if (values.has(source)) continue;
    const value = await readSecret(source, ctx);
    redactor.add(value);
    values.set(source, value);
  }
  return values;
}

async function runSteps(rendered: RenderedDeployment, options: DeployOptions, runner: ToolRunner, ctx: RunContext): Promise<StepOutcome[]> {
  const redactor = new Redactor();
  const secrets = await readStepSecrets(rendered.steps, ctx, redactor);
  const usesVault = rendered.steps.some((s) => s.kind === 'playbook');
  const vaultPassword = usesVault ? await vaultPasswordFor(options, ctx, redactor) : undefined;
  const outcomes: StepOutcome[] = [];
  const total = rendered.steps.length;
  for (const [i, step] of rendered.steps.entries()) {
    if (ctx.signal.aborted) throw new JltError('DEPLOY_STEP_FAILED', `interrupted before step ${i + 1}/${total} (${step.title})`);
    ctx.stderr.write(`[${i + 1}/${total}] ${step.title}\n`);
    const fail = (message: string): never => {
      throw new JltError('DEPLOY_STEP_FAILED', `step ${i + 1}/${total} (${step.title}) failed:\n${redactor.redact(message)}`, {
        hint: 'fix the cause and run apply again: steps already done are idempotent',
      });
    };
    const run = async (argv: string[], extra: { stdin?: string; env?: Record<string, string>; onStdoutLine?: (line: string) => void } = {}) => {
      ctx.stderr.write(`  $ ${shellQuote(argv)}\n`);
      const result = await runner.run(
        { argv, ...(extra.stdin !== undefined ? { stdin: extra.stdin } : {}), ...(extra.env ? { env: extra.env } : {}) },
        { signal: ctx.signal, ...(extra.onStdoutLine ? { onStdoutLine: extra.onStdoutLine } : {}) },
      );
      return result;
    };
    const outcome: StepOutcome = { title: step.title, commands: describeStep(step, rendered.ansible) };
    switch (step.kind) {
      case 'command': {
        const result = await run(step.argv);
        if (result.exitCode !== 0) fail(toolMessage(result));
        break;
      }
      case 'secret': {
        const stringData = Object.fromEntries(
          Object.entries(step.secret.data).map(([key, source]) => [key, source.kind === 'literal' ? source.value : secrets.get(source)!.reveal()]),
        );
        const result = await run(secretApplyArgv(step), { stdin: JSON.stringify({ ...step.secret.manifest, stringData }) });
        if (result.exitCode !== 0) fail(toolMessage(result));
        break;
      }
      case 'helm-release': {
        // Asked again right before: an earlier step (or another apply) may have changed it.
        const exists = await releaseFact(runner, step.release, step.namespace, ctx.signal);
        const argv = helmReleaseArgv(step, exists === undefined ? undefined : exists !== null);
        outcome.commands = [shellQuote(argv)];
        const result = await run(argv);
        if (result.exitCode !== 0) fail(toolMessage(result));
        break;
      }
      case 'helm-uninstall': {
        const exists = await releaseFact(runner, step.release, step.namespace, ctx.signal);
        if (exists === null) {
          ctx.stderr.write(`  release ${step.release} is not installed; nothing to uninstall\n`);
          break;
        }
        const result = await run(helmUninstallArgv(step));
        if (result.exitCode !== 0) fail(toolMessage(result));
        break;
      }
      case 'playbook':
        outcome.recap = await runPlaybook(step, rendered.ansible, secrets, vaultPassword!, run, fail, ctx);
        break;
    }
    outcomes.push(outcome);
  }
  return outcomes;
}

/** The vault password: the user's (file or env), else a random one for this apply only. */
async function vaultPasswordFor(options: DeployOptions, ctx: RunContext, redactor: Redactor): Promise<{ env: Record<string, string> }> {
  if (options.vaultPassword?.kind === 'file') return { env: {} };
  const value = options.vaultPassword ? await readSecret(options.vaultPassword, ctx) : generateSecret();
  redactor.add(value);
  return { env: { JLT_VAULT_PASSWORD: value.reveal() } };
}

type RunFn = (argv: string[], extra?: { stdin?: string; env?: Record<string, string>; onStdoutLine?: (line: string) => void }) => Promise<{ exitCode: number; stdout: string; stderr: string }>;

async function runPlaybook(
  step: Extract<Step, { kind: 'playbook' }>,
  paths: AnsiblePaths,
  secrets: Map<SecretSource, SecretValue>,
  vault: { env: Record<string, string> },
  run: RunFn,
  fail: (message: string) => never,
  ctx: RunContext,
): Promise<Record<string, HostRecap>> {
  await mkdir(paths.privateDataDir, { recursive: true });
  await rm(join(paths.privateDataDir, 'artifacts', step.ident), { recursive: true, force: true });
  const vars = Object.entries(step.secretVars);
  if (vars.length > 0) {
    await rm(paths.vaultFile, { force: true });
    const plain = stringify(Object.fromEntries(vars.map(([name, source]) => [name, secrets.get(source)!.reveal()])));
    const encrypted = await run(vaultEncryptArgv(paths), { stdin: plain, env: vault.env });
    if (encrypted.exitCode !== 0) fail(toolMessage(encrypted));
  }
  let recap: Record<string, HostRecap> = {};
  const failures: string[] = [];
  const result = await run(ansibleRunnerArgv(step, paths), {
    env: vault.env,
    onStdoutLine: (line) => {
      const progress = parseJobEvent(line);
      if (!progress) return;
      switch (progress.kind) {
        case 'play':
          ctx.stderr.write(`  PLAY ${progress.name}\n`);
          break;
        case 'task':
          ctx.stderr.write(`  TASK ${progress.name}\n`);
          break;
        case 'host': {
          const message = progress.message ? `: ${progress.message}` : '';
          ctx.stderr.write(`    ${progress.status}: ${progress.host}${message}\n`);
          if (progress.status === 'failed' || progress.status === 'unreachable') failures.push(`${progress.host}: ${progress.task}: ${progress.message ?? progress.status}`);
          break;
        }
        case 'recap':
          recap = progress.hosts;
          ctx.stderr.write(`  RECAP\n${formatRecap(progress.hosts).map((l) => `    ${l}\n`).join('')}`);
          break;
      }
    },
  });
  if (result.exitCode !== 0) fail(failures.length > 0 ? failures.join('\n') : toolMessage({ ...result, stdout: '' }));
  return recap;
}
