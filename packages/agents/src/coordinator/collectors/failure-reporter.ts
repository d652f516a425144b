import type { Logger, RunEvent, Tags } from '@jlt/core';

export interface FailureReporterOptions {
  now(): number;
  emit(events: RunEvent[]): void;
  logger: Logger;
}

/**
 * Turns poll failures of one target into `collector-error` events without flooding the run: an event
 * when a target starts failing or its error changes, then a `collector-recovered` event (with how many
 * polls failed) when it answers again. The gap in the samples stays; nothing is filled in.
 */
export class FailureReporter {
  private readonly state = new Map<string, { message: string; failed: number }>();

  constructor(private readonly options: FailureReporterOptions) {}

  failed(key: string, message: string, tags: Tags, meta: Record<string, string | number>): void {
    const current = this.state.get(key);
    if (current && current.message === message) {
      current.failed += 1;
      return;
    }
    this.state.set(key, { message, failed: (current?.failed ?? 0) + 1 });
    this.options.logger.log('warn', `collector: ${message}`, { target: key });
    this.options.emit([{ time: this.options.now(), kind: 'collector-error', level: 'warn', message, tags, meta }]);
  }

  succeeded(key: string, tags: Tags, meta: Record<string, string | number>): void {
    const current = this.state.get(key);
    if (!current) return;
    this.state.delete(key);
    const message = `${key}: answering again after ${current.failed} failed poll${current.failed === 1 ? '' : 's'}`;
    this.options.logger.log('info', `collector: ${message}`);
    this.options.emit([
      { time: this.options.now(), kind: 'collector-recovered', level: 'info', message, tags, meta: { ...meta, failedPolls: current.failed } },
    ]);
  }
}
