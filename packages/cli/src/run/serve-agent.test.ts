import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { listenForChannels } from '@jlt/agents';
import { ExitCode, MessageStamper, REFUSAL_RUN_STARTED, SecretRedactor, encodeMessage, type CoordinatorMessage, type RunContext } from '@jlt/core';
import { describe, expect, it } from 'vitest';
import { serveAgent } from './serve-agent.js';

describe('serveAgent', () => {
  it('tries again when the run is under way, and gives up on any other refusal', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'jlt-serve-agent-'));
    const refusals = [REFUSAL_RUN_STARTED, 'wrong token'];
    let connections = 0;
    // A coordinator that refuses each hello in turn with the next reason.
    const server = await listenForChannels({
      host: '127.0.0.1',
      port: 0,
      onChannel: (channel) => {
        const reason = refusals[connections++] ?? 'wrong token';
        channel.onMessage(() => {
          void channel.send(encodeMessage(new MessageStamper<CoordinatorMessage>(Date.now).stamp({ type: 'refused', reason })));
        });
      },
    });
    const logs: string[] = [];
    let stderr = '';
    const ctx: RunContext & { redactor: SecretRedactor } = {
      redactor: new SecretRedactor(),
      stdout: { write: () => true },
      stderr: { write: (chunk) => (stderr += chunk) },
      env: {},
      cwd: dir,
      logger: { log: (level, message) => void logs.push(`${level} ${message}`) },
      signal: new AbortController().signal,
      now: Date.now,
    };
    try {
      const tokenFile = join(dir, 'token');
      await writeFile(tokenFile, 'secret');
      const result = await serveAgent({ coordinator: server.url, tokenFile, once: false }, ctx);
      expect(result.exitCode).toBe(ExitCode.agentLost);
      expect(connections).toBe(2);
      expect(logs).toContain("info the coordinator's run is under way; trying again in 2 s");
      expect(stderr).toBe('error: the coordinator refused this agent: wrong token\n');
    } finally {
      await server.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
