import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

/** The built CLI, run as a user does: build it with `npx tsc -b packages/cli`. */
export const jltBin = resolve(import.meta.dirname, '../../cli/dist/bin.js');

export interface JltRun {
  code: number;
  stdout: string;
  stderr: string;
}

export function assertJltBuilt(): void {
  if (!existsSync(jltBin)) throw new Error(`${jltBin} is missing: run npx tsc -b packages/cli first`);
}

/** Runs `jlt ARGS…` and resolves with its exit code and output; bounded by a timeout. */
export function jlt(...args: string[]): Promise<JltRun> {
  return new Promise((done) => {
    execFile(process.execPath, [jltBin, ...args], { timeout: 60_000 }, (error, stdout, stderr) => {
      done({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr });
    });
  });
}
