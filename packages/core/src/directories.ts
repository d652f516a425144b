import { constants } from 'node:fs';
import { access, mkdir, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { JltError } from './errors.js';

/**
 * Creates `path` and its missing parents, one level at a time, and checks that it is a writable
 * directory. Node 20's `mkdir(path, { recursive: true })` never settles for a path under /proc
 * (it retries the ENOENT forever on a thread of its pool, and the process cannot exit while it does),
 * so every directory jlt writes to is made here. Throws a JltError (`INVALID_ARGUMENT`, exit 2) that
 * names `what` and the path.
 */
export async function makeDirectory(path: string, what: string): Promise<string> {
  const target = resolve(path);
  const missing: string[] = [];
  let existing = target;
  for (;;) {
    const found = await stat(existing).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return undefined;
      throw cannotUse(what, target, error);
    });
    if (found !== undefined) {
      if (!found.isDirectory()) throw cannotUse(what, target, `${existing} is not a directory`);
      break;
    }
    missing.unshift(existing);
    const parent = dirname(existing);
    if (parent === existing) break;
    existing = parent;
  }
  for (const dir of missing) {
    await mkdir(dir).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'EEXIST') throw cannotUse(what, target, error);
    });
  }
  await access(target, constants.W_OK | constants.X_OK).catch((error: NodeJS.ErrnoException) => {
    throw cannotUse(what, target, error);
  });
  return target;
}

function cannotUse(what: string, path: string, why: NodeJS.ErrnoException | string): JltError {
  const reason = typeof why === 'string' ? why : `${why.code ?? 'error'}: ${why.message.replace(/^[A-Z]+: /, '')}`;
  return new JltError('INVALID_ARGUMENT', `cannot create the ${what} ${path}: ${reason}`, {
    hint: `choose a directory this user can write to`,
    ...(typeof why === 'string' ? {} : { cause: why }),
  });
}
