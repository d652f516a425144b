import { shellQuote } from './tool-runner.js';
import type { SecretReference } from './manifests.js';
import type { SecretSource } from './secrets.js';
import { describeSource } from './secrets.js';

/**
 * One thing apply (or destroy) does, in order. Each renders as the exact command it runs; apply
 * stops at the first that fails.
 */
export type Step =
  /** A program run as is. */
  | { kind: 'command'; title: string; argv: string[] }
  /** `kubectl apply -f -` with a Secret whose data apply reads from the sources. */
  | { kind: 'secret'; title: string; namespace: string; file: string; secret: SecretReference }
  /** `helm install` for a new release, `helm upgrade` for one that exists. */
  | { kind: 'helm-release'; title: string; release: string; namespace: string; chart: string; version: string; valuesFile: string }
  /** `helm uninstall`, skipped when the release does not exist. */
  | { kind: 'helm-uninstall'; title: string; release: string; namespace: string }
  /** A playbook through ansible-runner, its secret variables in a vaulted file written just before. */
  | { kind: 'playbook'; title: string; playbook: string; ident: string; inventory: string; varsFile?: string; secretVars: Record<string, SecretSource> };

/** Where apply keeps what ansible-runner needs; under the plan directory. */
export interface AnsiblePaths {
  privateDataDir: string;
  projectDir: string;
  vaultFile: string;
  /** A file holding the vault password, or the script printing $JLT_VAULT_PASSWORD. */
  vaultPasswordFile: string;
}

export const HELM_TIMEOUT = '15m';

export function helmReleaseArgv(step: Extract<Step, { kind: 'helm-release' }>, exists: boolean | undefined): string[] {
  const verb = exists === undefined ? ['upgrade', '--install'] : exists ? ['upgrade'] : ['install'];
  return ['helm', ...verb, step.release, step.chart, '--version', step.version, '--namespace', step.namespace, '--values', step.valuesFile, '--wait', '--timeout', HELM_TIMEOUT];
}

export function helmUninstallArgv(step: Extract<Step, { kind: 'helm-uninstall' }>): string[] {
  return ['helm', 'uninstall', step.release, '--namespace', step.namespace, '--wait'];
}

export function secretApplyArgv(step: Extract<Step, { kind: 'secret' }>): string[] {
  return ['kubectl', 'apply', '--namespace', step.namespace, '--filename', '-'];
}

export function vaultEncryptArgv(paths: AnsiblePaths): string[] {
  return ['ansible-vault', 'encrypt', '--vault-password-file', paths.vaultPasswordFile, '--output', paths.vaultFile, '-'];
}

export function ansibleRunnerArgv(step: Extract<Step, { kind: 'playbook' }>, paths: AnsiblePaths): string[] {
  const cmdline = ['--vault-password-file', paths.vaultPasswordFile];
  if (step.varsFile !== undefined) cmdline.push('-e', `@${step.varsFile}`);
  if (Object.keys(step.secretVars).length > 0) cmdline.push('-e', `@${paths.vaultFile}`);
  return [
    'ansible-runner',
    'run',
    paths.privateDataDir,
    '--project-dir',
    paths.projectDir,
    '--playbook',
    step.playbook,
    '--inventory',
    step.inventory,
    '--ident',
    step.ident,
    '--json',
    '--omit-env-files',
    '--cmdline',
    shellQuote(cmdline),
  ];
}

/**
 * The step as shell lines a person can read (and mostly paste): secrets appear as their sources,
 * stdin as what feeds it. `releaseExists` picks install or upgrade when known.
 */
export function describeStep(step: Step, paths: AnsiblePaths, releaseExists?: boolean): string[] {
  switch (step.kind) {
    case 'command':
      return [shellQuote(step.argv)];
    case 'secret': {
      const sources = Object.entries(step.secret.data)
        .map(([key, source]) => `${key} from ${source.kind === 'literal' ? `"${source.value}"` : describeSource(source)}`)
        .join(', ');
      return [`${shellQuote(secretApplyArgv(step))} < ${step.file}   # data filled at apply time: ${sources}`];
    }
    case 'helm-release':
      return [shellQuote(helmReleaseArgv(step, releaseExists))];
    case 'helm-uninstall':
      return [shellQuote(helmUninstallArgv(step))];
    case 'playbook': {
      const lines: string[] = [];
      const vars = Object.entries(step.secretVars);
      if (vars.length > 0) {
        const sources = vars.map(([name, source]) => `${name} from ${describeSource(source)}`).join(', ');
        lines.push(`${shellQuote(vaultEncryptArgv(paths))}   # stdin: ${sources}`);
      }
      lines.push(shellQuote(ansibleRunnerArgv(step, paths)));
      return lines;
    }
  }
}
