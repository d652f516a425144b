import { isAbsolute, join, resolve } from 'node:path';

/** Where a file output writes: its `file` option (relative to the working directory) or `defaultName` in the run's results. */
export function outputFilePath(file: string | undefined, defaultName: string, where: { cwd: string; resultsDir: string }): string {
  if (file === undefined) return join(where.resultsDir, defaultName);
  return isAbsolute(file) ? file : resolve(where.cwd, file);
}
