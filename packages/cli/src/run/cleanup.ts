import type { Logger } from '@jlt/core';

/** What runs at the end in reverse order of registration, each step even if an earlier one failed. */
export class Cleanup {
  private readonly steps: { name: string; run: () => Promise<void> }[] = [];

  add(name: string, run: () => Promise<void>): void {
    this.steps.push({ name, run });
  }

  async runAll(logger: Logger): Promise<void> {
    for (const step of this.steps.splice(0).reverse()) {
      await step.run().catch((error: unknown) => logger.log('warn', `cleanup of ${step.name} failed: ${(error as Error).message}`));
    }
  }
}
