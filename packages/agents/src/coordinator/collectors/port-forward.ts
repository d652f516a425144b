import { JltError, type Logger } from '@jlt/core';
import { CommandNotFoundError, type CommandRunner } from './command-runner.js';

export interface PortForwardOptions {
  runner: CommandRunner;
  /** Arguments before `port-forward`, e.g. `['--context', 'prod', '-n', 'jitsi']`. */
  kubectlArgs: readonly string[];
  pod: string;
  remotePort: number;
  /** How long to wait for kubectl's "Forwarding from" line (default 15 s). */
  deadlineMs?: number;
  logger: Logger;
}

export interface PortForward {
  localPort: number;
  /** `http://127.0.0.1:<localPort>` */
  url: string;
  /** Ends kubectl and waits for it to exit. */
  stop(): Promise<void>;
}

const FORWARDING = /Forwarding from 127\.0\.0\.1:(\d+) -> (\d+)/;

/**
 * Runs `kubectl port-forward pod/<pod> :<remotePort>` (kubectl picks a free local port) on the IPv4
 * loopback and resolves once kubectl prints `Forwarding from 127.0.0.1:PORT -> REMOTE`. kubectl is
 * killed when the deadline passes first, and on `stop()`.
 */
export async function startPortForward(options: PortForwardOptions): Promise<PortForward> {
  const deadlineMs = options.deadlineMs ?? 15_000;
  const args = [...options.kubectlArgs, 'port-forward', '--address', '127.0.0.1', `pod/${options.pod}`, `:${options.remotePort}`];
  const child = options.runner.spawn('kubectl', args);
  let output = '';
  let stopping = false;

  const localPort = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill();
      reject(
        new JltError('TARGET_UNREACHABLE', `kubectl port-forward to pod ${options.pod} printed no "Forwarding from" line within ${deadlineMs} ms${tail(output)}`, {
          hint: 'Check that the pod is running and that kubectl can reach the cluster (kubectl get pods).',
        }),
      );
    }, deadlineMs);
    child.onOutput((text) => {
      output += text;
      const match = FORWARDING.exec(output);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(Number(match[1]));
      }
    });
    child.exited.then(
      (status) => {
        clearTimeout(timer);
        if (!stopping) {
          reject(
            new JltError('TARGET_UNREACHABLE', `kubectl port-forward to pod ${options.pod} exited (code ${status.exitCode ?? status.signal})${tail(output)}`, {
              hint: 'Check the pod name, namespace and context, and that your kubectl user may port-forward.',
            }),
          );
        }
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(kubectlStartError(error));
      },
    );
  });

  child.exited.then(
    (status) => {
      if (!stopping) options.logger.log('warn', `kubectl port-forward to pod ${options.pod} ended (code ${status.exitCode ?? status.signal}); its bridge will show collector errors`);
    },
    () => {},
  );

  return {
    localPort,
    url: `http://127.0.0.1:${localPort}`,
    async stop() {
      stopping = true;
      child.kill();
      await child.exited.catch(() => undefined);
    },
  };
}

/** The error for kubectl that could not start at all. */
export function kubectlStartError(error: unknown): Error {
  if (error instanceof CommandNotFoundError) {
    return new JltError('TARGET_UNREACHABLE', 'kubectl is not installed or not on PATH; it is needed to discover bridges in Kubernetes', {
      hint: 'Install kubectl, or list the bridges instead: target.bridges.urls: [http://jvb-0:8080, …]',
    });
  }
  return error instanceof Error ? error : new Error(String(error));
}

/** kubectl's own message: its last lines, without klog lines (`E1130 03:07:40.811026 …`) that repeat transport noise. */
export function kubectlMessage(output: string): string {
  const lines = output.split('\n').map((l) => l.trim()).filter((l) => l !== '');
  const own = lines.filter((l) => !/^[EWIF]\d{4} \d{2}:\d{2}:\d{2}/.test(l));
  return (own.length > 0 ? own : lines).slice(-2).join(' | ');
}

function tail(output: string): string {
  const text = kubectlMessage(output);
  return text === '' ? '' : `: ${text}`;
}
