import { JltError } from '../errors.js';
import { conferenceGrid } from './conference-grid.js';

/** Executors by the name used in `executor:`; the first is the default. */
export const EXECUTORS = { 'conference-grid': conferenceGrid } as const;
export const DEFAULT_EXECUTOR: ExecutorName = 'conference-grid';
export type ExecutorName = keyof typeof EXECUTORS;
export const EXECUTOR_NAMES = Object.keys(EXECUTORS).sort() as ExecutorName[];

export function unknownExecutorMessage(name: string): string {
  return `unknown executor ${JSON.stringify(name)}; available: ${EXECUTOR_NAMES.join(', ')}`;
}

export function findExecutor(name: string): (typeof EXECUTORS)[ExecutorName] | undefined {
  return Object.hasOwn(EXECUTORS, name) ? EXECUTORS[name as ExecutorName] : undefined;
}

export function getExecutor(name: string): (typeof EXECUTORS)[ExecutorName] {
  const executor = findExecutor(name);
  if (!executor) {
    throw new JltError('UNKNOWN_REGISTRY_NAME', unknownExecutorMessage(name), {
      hint: 'set executor: to one of the available executors, or leave it out for conference-grid',
    });
  }
  return executor;
}
