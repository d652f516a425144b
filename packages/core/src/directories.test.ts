import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeDirectory } from './directories.js';

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'jlt-dirs-'));
  await writeFile(join(dir, 'file'), 'x');
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('makeDirectory', () => {
  it('creates missing parents and accepts a directory that exists', async () => {
    const deep = join(dir, 'a', 'b', 'c');
    expect(await makeDirectory(deep, 'results directory')).toBe(deep);
    expect((await stat(deep)).isDirectory()).toBe(true);
    expect(await makeDirectory(deep, 'results directory')).toBe(deep);
  });

  // Node 20's recursive mkdir never settles under /proc; these must fail, and fast.
  it.each([
    ['/proc/forbidden/results', /^cannot create the results directory \/proc\/forbidden\/results: ENOENT: /],
    ['/etc/passwd/x', /^cannot create the results directory \/etc\/passwd\/x: ENOTDIR: /],
  ])('refuses %s as invalid input within a second', async (path, message) => {
    const started = performance.now();
    await expect(makeDirectory(path, 'results directory')).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', exitCode: 2, message: expect.stringMatching(message) as unknown });
    expect(performance.now() - started).toBeLessThan(1_000);
  });

  it('refuses a path whose parent is a file', async () => {
    await expect(makeDirectory(join(dir, 'file', 'x'), 'results directory')).rejects.toThrow(/ENOTDIR/);
    await expect(makeDirectory(join(dir, 'file'), 'results directory')).rejects.toThrow(`${join(dir, 'file')} is not a directory`);
  });
});
