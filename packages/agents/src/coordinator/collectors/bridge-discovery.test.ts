import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from '@jlt/core';
import { JltError } from '@jlt/core';
import { describe, expect, it } from 'vitest';
import { bridgeSourceFromTarget, discoverBridges, jvbPodSelector } from './bridge-discovery.js';
import { createProcessRunner, CommandNotFoundError, type CommandRunner, type ExitStatus, type RunningCommand } from './command-runner.js';
import { kubectlMessage } from './port-forward.js';

const podsJson = readFileSync(new URL('./fixtures/kubectl-get-pods-jvb-octo.json', import.meta.url), 'utf8');
const emptyJson = readFileSync(new URL('./fixtures/kubectl-get-pods-empty.json', import.meta.url), 'utf8');
/** What kubectl 1.32 prints on stderr when the API server refuses connections (recorded here). */
const refusedStderr = [
  'E1130 03:07:40.811026   31205 memcache.go:265] "Unhandled Error" err="couldn\'t get current server API group list: Get \\"http://127.0.0.1:1/api?timeout=2s\\": dial tcp 127.0.0.1:1: connect: connection refused"',
  'E1130 03:07:40.816055   31205 memcache.go:265] "Unhandled Error" err="couldn\'t get current server API group list"',
  'The connection to the server 127.0.0.1:1 was refused - did you specify the right host or port?',
  '',
].join('\n');

const logs: string[] = [];
const logger: Logger = { log: (level, message) => void logs.push(`${level} ${message}`) };
const signal = new AbortController().signal;

type ForwardBehaviour = 'forward' | 'exit' | 'silent';

/**
 * Replays kubectl: `get pods` prints a recorded pod list; `port-forward` starts a loopback HTTP server
 * standing in for the pod's REST port and prints kubectl's real "Forwarding from" lines.
 */
class FakeKubectl implements CommandRunner {
  readonly calls: string[][] = [];
  readonly servers: Server[] = [];
  live = 0;
  constructor(
    private readonly getPods: { stdout: string; stderr?: string; exitCode?: number },
    private readonly forward: ForwardBehaviour = 'forward',
  ) {}

  async run(command: string, args: readonly string[]) {
    this.calls.push([command, ...args]);
    return { stdout: this.getPods.stdout, stderr: this.getPods.stderr ?? '', exitCode: this.getPods.exitCode ?? 0 };
  }

  spawn(command: string, args: readonly string[]): RunningCommand {
    this.calls.push([command, ...args]);
    const pod = args.find((a) => a.startsWith('pod/'))?.slice(4) ?? '';
    const remote = args.at(-1)?.slice(1) ?? '';
    const listeners: ((text: string, stream: 'stdout' | 'stderr') => void)[] = [];
    let finish: (status: ExitStatus) => void = () => {};
    const exited = new Promise<ExitStatus>((resolve) => (finish = resolve));
    const server = createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ pod })));
    this.live += 1;
    const end = (status: ExitStatus): void => {
      server.close(() => {
        this.live -= 1;
        finish(status);
      });
    };
    if (this.forward === 'forward') {
      this.servers.push(server);
      server.listen(0, '127.0.0.1', () => {
        const port = (server.address() as AddressInfo).port;
        listeners.forEach((l) => l(`Forwarding from 127.0.0.1:${port} -> ${remote}\n`, 'stdout'));
      });
    } else if (this.forward === 'exit') {
      setTimeout(() => {
        listeners.forEach((l) => l(`error: error upgrading connection: pods "${pod}" not found\n`, 'stderr'));
        end({ exitCode: 1, signal: null });
      }, 5);
    }
    return { onOutput: (l) => void listeners.push(l), exited, kill: () => end({ exitCode: null, signal: 'SIGTERM' }) };
  }
}

describe('discoverBridges', () => {
  it('uses static URLs as bridge ids and maps IP hosts to them', async () => {
    const found = await discoverBridges({ kind: 'urls', urls: ['http://10.0.0.5:8080', 'http://jvb-1.jvb:8080/'] }, { runner: new FakeKubectl({ stdout: '' }), logger, signal });
    expect(found.bridges).toEqual([
      { id: '10.0.0.5:8080', restUrl: 'http://10.0.0.5:8080' },
      { id: 'jvb-1.jvb:8080', restUrl: 'http://jvb-1.jvb:8080/' },
    ]);
    expect(found.addresses).toEqual({ '10.0.0.5': '10.0.0.5:8080' });
    await expect(discoverBridges({ kind: 'urls', urls: ['http://a:1', 'http://a:1/x'] }, { runner: new FakeKubectl({ stdout: '' }), logger, signal })).rejects.toThrow(/lists a:1 twice/);
  });

  it('takes the testbed bridges with their media addresses', async () => {
    const found = await discoverBridges(
      { kind: 'testbed', bridges: [{ id: 'jvb-1', restUrl: 'http://127.0.0.1:4001', mediaAddress: '127.0.0.1' }, { id: 'jvb-2', restUrl: 'http://127.0.0.1:4002', mediaAddress: '127.0.0.2' }] },
      { runner: new FakeKubectl({ stdout: '' }), logger, signal },
    );
    expect(found.bridges.map((b) => b.id)).toEqual(['jvb-1', 'jvb-2']);
    expect(found.addresses).toEqual({ '127.0.0.1': 'jvb-1', '127.0.0.2': 'jvb-2' });
  });

  it('finds running JVB pods by the chart labels and port-forwards each to its REST port', async () => {
    const kubectl = new FakeKubectl({ stdout: podsJson });
    const found = await discoverBridges({ kind: 'kubernetes', namespace: 'jitsi', release: 'myjitsi', context: 'uiam' }, { runner: kubectl, logger, signal });
    try {
      expect(kubectl.calls[0]).toEqual([
        'kubectl', '--context', 'uiam', '--namespace', 'jitsi', 'get', 'pods', '--selector',
        'app.kubernetes.io/component=jvb,app.kubernetes.io/instance=myjitsi', '--output', 'json',
      ]);
      expect(kubectl.calls.slice(1).map((c) => c.slice(5).join(' '))).toEqual([
        'port-forward --address 127.0.0.1 pod/myjitsi-jitsi-meet-jvb-7d9c6b5f4-2xkqp :8080',
        'port-forward --address 127.0.0.1 pod/myjitsi-jitsi-meet-jvb-7d9c6b5f4-h8wzt :8080',
      ]);
      expect(found.bridges.map((b) => b.id)).toEqual(['myjitsi-jitsi-meet-jvb-7d9c6b5f4-2xkqp', 'myjitsi-jitsi-meet-jvb-7d9c6b5f4-h8wzt']);
      expect(found.addresses).toEqual({
        '10.244.1.17': 'myjitsi-jitsi-meet-jvb-7d9c6b5f4-2xkqp',
        '192.168.56.11': 'myjitsi-jitsi-meet-jvb-7d9c6b5f4-2xkqp',
        '10.244.2.9': 'myjitsi-jitsi-meet-jvb-7d9c6b5f4-h8wzt',
        '192.168.56.12': 'myjitsi-jitsi-meet-jvb-7d9c6b5f4-h8wzt',
      });
      expect(found.pods?.namespace).toBe('jitsi');
      // Each forwarded URL reaches the stand-in for its own pod.
      for (const bridge of found.bridges) {
        const body = (await (await fetch(`${bridge.restUrl}/colibri/stats`)).json()) as { pod: string };
        expect(body.pod).toBe(bridge.id);
      }
      expect(logs.some((l) => l.includes('myjitsi-jitsi-meet-jvb-7d9c6b5f4-q4rmn is Pending'))).toBe(true);
    } finally {
      await found.stop();
    }
    expect(kubectl.live).toBe(0);
    await found.stop();
  });

  it.each([
    ['no matching pods', new FakeKubectl({ stdout: emptyJson }), /no running JVB pods with labels app.kubernetes.io\/component=jvb,app.kubernetes.io\/instance=myjitsi in namespace jitsi \(0 pods matched\)/],
    ['kubectl exit code 1', new FakeKubectl({ stdout: '', stderr: refusedStderr, exitCode: 1 }), /kubectl get pods in namespace jitsi failed: The connection to the server 127.0.0.1:1 was refused/],
    ['a non-JSON answer', new FakeKubectl({ stdout: 'No resources found in jitsi namespace.\n' }), /did not print JSON/],
    ['a pod list of the wrong shape', new FakeKubectl({ stdout: '{"items": {}}' }), /unexpected pod list/],
    ['a port-forward that exits', new FakeKubectl({ stdout: podsJson }, 'exit'), /port-forward to pod myjitsi-jitsi-meet-jvb-7d9c6b5f4-2xkqp exited \(code 1\): error: error upgrading connection: pods .* not found/],
    ['a port-forward that never forwards', new FakeKubectl({ stdout: podsJson }, 'silent'), /printed no "Forwarding from" line within 200 ms/],
  ])('fails with a clear error on %s and leaves no kubectl running', async (_name, kubectl, message) => {
    const error = await discoverBridges({ kind: 'kubernetes', namespace: 'jitsi', release: 'myjitsi' }, { runner: kubectl, logger, signal, portForwardDeadlineMs: 200 }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(JltError);
    expect((error as JltError).message).toMatch(message);
    expect((error as JltError).hint).toBeTruthy();
    expect(kubectl.live).toBe(0);
  });

  it('says so when kubectl is not installed', async () => {
    const missing: CommandRunner = {
      run: async () => Promise.reject(new CommandNotFoundError('kubectl')),
      spawn: () => {
        throw new Error('not reached');
      },
    };
    await expect(discoverBridges({ kind: 'kubernetes', namespace: 'jitsi', release: 'r' }, { runner: missing, logger, signal })).rejects.toThrow(/kubectl is not installed or not on PATH/);
  });
});

describe('createProcessRunner', () => {
  const real = createProcessRunner();

  it('reports a missing program as CommandNotFoundError for run and spawn', async () => {
    await expect(real.run('jlt-no-such-program', [], { signal })).rejects.toBeInstanceOf(CommandNotFoundError);
    await expect(real.spawn('jlt-no-such-program', []).exited).rejects.toBeInstanceOf(CommandNotFoundError);
  });

  it('runs the real kubectl against an API server that refuses, and discovery reports its message', async () => {
    // A throwaway server address and no kubeconfig: kubectl fails fast with exit code 1 and its real stderr.
    const isolated: CommandRunner = {
      run: (command, args, options) => real.run(command, ['--kubeconfig', '/dev/null', '--server', 'http://127.0.0.1:1', '--request-timeout', '5s', ...args], options),
      spawn: (command, args) => real.spawn(command, args),
    };
    const result = await isolated.run('kubectl', ['get', 'pods', '-o', 'json'], { signal });
    expect(result.exitCode).toBe(1);
    expect(kubectlMessage(result.stderr)).toMatch(/connection to the server 127\.0\.0\.1:1 was refused/);
    await expect(discoverBridges({ kind: 'kubernetes', namespace: 'jitsi', release: 'r' }, { runner: isolated, logger, signal })).rejects.toThrow(
      /kubectl get pods in namespace jitsi failed: The connection to the server 127\.0\.0\.1:1 was refused/,
    );
  });

  it('streams a spawned program\'s output and kills it', async () => {
    const child = real.spawn(process.execPath, ['-e', 'console.log("Forwarding from 127.0.0.1:5555 -> 8080"); setInterval(() => {}, 1000)']);
    let output = '';
    child.onOutput((text) => (output += text));
    const end = Date.now() + 10_000;
    while (!output.includes('Forwarding') && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
    child.kill();
    expect(output).toContain('Forwarding from 127.0.0.1:5555 -> 8080');
    expect(await child.exited).toEqual({ exitCode: null, signal: 'SIGTERM' });
  });
});

describe('bridgeSourceFromTarget', () => {
  it.each([
    [{ kind: 'jitsi' as const, prejoin: true, bridges: { urls: ['http://a:8080'] } }, { kind: 'urls', urls: ['http://a:8080'] }],
    [{ kind: 'jitsi' as const, prejoin: true, bridges: { discover: 'kubernetes' as const, namespace: 'default', release: 'j' } }, { kind: 'kubernetes', namespace: 'default', release: 'j' }],
    [{ kind: 'jitsi' as const, prejoin: true }, undefined],
    [{ kind: 'page' as const, url: 'http://x', steps: [], joinedWhen: { remoteMedia: 'any' as const } }, undefined],
  ])('maps %j', (target, expected) => {
    expect(bridgeSourceFromTarget(target)).toEqual(expected);
  });

  it('uses the testbed bridges for a testbed target', () => {
    const testbed = { kind: 'testbed' as const, bridges: [{ id: 'jvb-1', restUrl: 'http://127.0.0.1:1' }] };
    expect(bridgeSourceFromTarget({ kind: 'testbed', bridges: 1, octo: false, strategy: 'region' }, testbed)).toBe(testbed);
    expect(jvbPodSelector('r')).toBe('app.kubernetes.io/component=jvb,app.kubernetes.io/instance=r');
  });
});
