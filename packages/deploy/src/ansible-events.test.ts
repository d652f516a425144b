import { describe, expect, it } from 'vitest';
import { formatRecap, parseJobEvent } from './ansible-events.js';

// Event shapes as ansible-runner 2.3 prints them with --json (one object a line).
const event = (name: string, data: Record<string, unknown>) => JSON.stringify({ uuid: 'u', counter: 1, stdout: '', event: name, event_data: data });

describe('ansible-runner job events', () => {
  it.each([
    [event('playbook_on_play_start', { play: 'Install the jlt agent' }), { kind: 'play', name: 'Install the jlt agent' }],
    [event('playbook_on_task_start', { task: 'Write the systemd unit' }), { kind: 'task', name: 'Write the systemd unit' }],
    [event('runner_on_ok', { host: 'lg1', task: 't', res: { changed: true } }), { kind: 'host', host: 'lg1', task: 't', status: 'changed' }],
    [event('runner_on_ok', { host: 'lg1', task: 't', res: { changed: false } }), { kind: 'host', host: 'lg1', task: 't', status: 'ok' }],
    [event('runner_on_skipped', { host: 'lg1', task: 't' }), { kind: 'host', host: 'lg1', task: 't', status: 'skipped' }],
    [event('runner_on_failed', { host: 'lg1', task: 't', res: { msg: 'No package matching chromium' } }), { kind: 'host', host: 'lg1', task: 't', status: 'failed', message: 'No package matching chromium' }],
    [event('runner_on_failed', { host: 'lg1', task: 't', ignore_errors: true, res: { msg: 'x' } }), { kind: 'host', host: 'lg1', task: 't', status: 'ok' }],
    [event('runner_on_unreachable', { host: 'lg2', task: 'Gathering Facts', res: { msg: 'Failed to connect to the host via ssh' } }), { kind: 'host', host: 'lg2', task: 'Gathering Facts', status: 'unreachable', message: 'Failed to connect to the host via ssh' }],
  ])('reads %s', (line, expected) => {
    expect(parseJobEvent(line)).toEqual(expected);
  });

  it('turns playbook_on_stats into a per-host recap', () => {
    const stats = event('playbook_on_stats', { ok: { lg1: 9, lg2: 1 }, changed: { lg1: 3 }, failures: {}, dark: { lg2: 1 }, skipped: { lg1: 2 }, ignored: {}, rescued: {}, processed: { lg1: 1, lg2: 1 } });
    const recap = parseJobEvent(stats);
    expect(recap).toEqual({
      kind: 'recap',
      hosts: { lg1: { ok: 9, changed: 3, failed: 0, unreachable: 0, skipped: 2 }, lg2: { ok: 1, changed: 0, failed: 0, unreachable: 1, skipped: 0 } },
    });
    expect(formatRecap((recap as { hosts: Parameters<typeof formatRecap>[0] }).hosts)).toEqual([
      'lg1  ok=9 changed=3 failed=0 unreachable=0 skipped=2',
      'lg2  ok=1 changed=0 failed=0 unreachable=1 skipped=0',
    ]);
  });

  it('ignores what is not a job event', () => {
    expect(parseJobEvent('The ansible-runner project is deprecated')).toBeNull();
    expect(parseJobEvent('{not json')).toBeNull();
    expect(parseJobEvent(event('verbose', {}))).toBeNull();
  });
});
