import { readFile } from 'node:fs/promises';
import { JltError } from '@jlt/core';

/** The shared agent token from its file (trimmed); an unreadable or empty file is invalid input. */
export async function readTokenFile(file: string): Promise<string> {
  try {
    const token = (await readFile(file, 'utf8')).trim();
    if (token === '') throw new Error('the file is empty');
    return token;
  } catch (error) {
    throw new JltError('INVALID_ARGUMENT', `cannot read the agent token from ${file}: ${(error as Error).message}`, {
      hint: 'write a random token to a file readable only by you, e.g. `openssl rand -hex 24 > token && chmod 600 token`',
    });
  }
}
