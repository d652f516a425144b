import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { readSecret, Redactor } from './secrets.js';

describe('secrets', () => {
  it('read from a file (without its trailing newline) or an environment variable, and print as [secret]', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'jlt-secret-')), 'turn');
    writeFileSync(file, 's3cret-from-file\n');
    const fromFile = await readSecret({ kind: 'file', path: file, id: 'turnSecret' }, { env: {} });
    expect(fromFile.reveal()).toBe('s3cret-from-file');
    const fromEnv = await readSecret({ kind: 'env', name: 'JLT_TURN_SECRET', id: 'turnSecret' }, { env: { JLT_TURN_SECRET: 's3cret-from-env' } });
    expect(fromEnv.reveal()).toBe('s3cret-from-env');
    expect(`${String(fromEnv)} ${JSON.stringify({ fromEnv })} ${inspect(fromEnv)}`).toBe('[secret] {"fromEnv":"[secret]"} [secret]');
  });

  it('name the source of a missing or empty secret, never content', async () => {
    const empty = join(mkdtempSync(join(tmpdir(), 'jlt-secret-')), 'empty');
    writeFileSync(empty, '\n');
    await expect(readSecret({ kind: 'file', path: '/nonexistent/turn', id: 'turnSecret' }, { env: {} })).rejects.toThrow('cannot read the TURN secret from /nonexistent/turn: ENOENT');
    await expect(readSecret({ kind: 'env', name: 'JLT_AGENT_TOKEN', id: 'agentToken' }, { env: {} })).rejects.toThrow('the agent token is to come from JLT_AGENT_TOKEN, which is not set');
    await expect(readSecret({ kind: 'file', path: empty, id: 'sshPassword' }, { env: {} })).rejects.toThrow(`the ssh password from file ${empty} is empty`);
  });

  it('redact every known value from text that leaves jlt', async () => {
    const redactor = new Redactor();
    redactor.add(await readSecret({ kind: 'env', name: 'T', id: 'turnSecret' }, { env: { T: 'abc123xyz' } }));
    expect(redactor.redact('error: secret "abc123xyz" rejected (abc123xyz)')).toBe('error: secret "[secret]" rejected ([secret])');
  });
});
