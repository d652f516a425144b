import type { Output } from '../outputs/output.js';

/** An output that does nothing, as an object literal tests override method by method. */
export function quietOutput(name: string, overrides: Partial<Output> = {}): Output {
  return {
    name,
    start: async () => undefined,
    addSamples: () => undefined,
    addEvents: () => undefined,
    onRunEnd: async () => undefined,
    stop: async () => undefined,
    ...overrides,
  };
}
