import { execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const script = join(import.meta.dirname, 'check-boundaries.mjs');

function tree(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'jlt-boundaries-'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

function check(dir: string): { ok: boolean; output: string } {
  try {
    return { ok: true, output: execFileSync('node', [script, dir], { encoding: 'utf8', stdio: 'pipe' }) };
  } catch (error) {
    return { ok: false, output: String((error as { stderr: string }).stderr) };
  }
}

describe('check-boundaries', () => {
  it.each([
    ['core importing jitsi', { 'packages/core/src/a.ts': "import { x } from '@jlt/jitsi';\n" }, 'core must not import jitsi'],
    ['sibling testbed importing agents', { 'packages/testbed/src/a.ts': "import '@jlt/agents';\n" }, 'testbed must not import agents'],
    ['deploy importing agents', { 'packages/deploy/src/a.ts': "import { serveAgent } from '@jlt/agents';\n" }, 'deploy must not import agents'],
    ['deploy depending on reporters', { 'packages/deploy/package.json': '{"dependencies":{"@jlt/reporters":"workspace:*"}}' }, 'depends on @jlt/reporters'],
    ['relative reach into another package', { 'packages/cli/src/a.ts': "import '../../core/src/x.js';\n" }, 'by relative path'],
    [
      'worker importing coordinator',
      { 'packages/agents/src/worker/a.ts': "import { c } from '../coordinator/c.js';\n" },
      'worker code must not import coordinator code',
    ],
    ['a forbidden dependency in package.json', { 'packages/jitsi/package.json': '{"dependencies":{"@jlt/testbed":"workspace:*"}}' }, 'depends on @jlt/testbed'],
  ])('rejects %s', (_name, files, message) => {
    const result = check(tree({ 'packages/core/src/index.ts': '', ...files }));
    expect(result.ok).toBe(false);
    expect(result.output).toContain(message);
  });

  it('accepts imports that point down', () => {
    const result = check(
      tree({
        'packages/core/src/index.ts': "import { z } from 'zod';\n",
        'packages/cli/src/a.ts': "import '@jlt/core';\nimport '@jlt/agents';\nimport '@jlt/deploy';\n",
        'packages/deploy/src/a.ts': "import '@jlt/core';\nimport 'kubernetes-models/batch/v1/Job';\n",
        'packages/agents/src/worker/a.ts': "import '@jlt/jitsi';\nimport './b.js';\n",
      }),
    );
    expect(result).toEqual({ ok: true, output: 'package boundaries ok\n' });
  });
});
