/**
 * ansible-runner's job events (`ansible-runner run -j` prints one JSON object a line) reduced to
 * what jlt shows: each task as it starts, each host's result, and the recap per host. Only names,
 * hosts and counts are read; a failure's `msg` is kept because it is the tool's own message (tasks
 * that handle secrets are `no_log`, so Ansible has already censored their results).
 */
export interface HostRecap {
  ok: number;
  changed: number;
  failed: number;
  unreachable: number;
  skipped: number;
}

export type AnsibleProgress =
  | { kind: 'play'; name: string }
  | { kind: 'task'; name: string }
  | { kind: 'host'; host: string; task: string; status: 'ok' | 'changed' | 'failed' | 'unreachable' | 'skipped'; message?: string }
  | { kind: 'recap'; hosts: Record<string, HostRecap> };

interface JobEvent {
  event?: string;
  event_data?: {
    play?: string;
    task?: string;
    host?: string;
    ignore_errors?: boolean | null;
    res?: { changed?: boolean; msg?: unknown; skip_reason?: string };
    ok?: Record<string, number>;
    changed?: Record<string, number>;
    failures?: Record<string, number>;
    dark?: Record<string, number>;
    skipped?: Record<string, number>;
  };
}

/** Parses one stdout line; lines that are not job events (ansible-runner's own notes) give null. */
export function parseJobEvent(line: string): AnsibleProgress | null {
  if (!line.startsWith('{')) return null;
  let event: JobEvent;
  try {
    event = JSON.parse(line) as JobEvent;
  } catch {
    return null;
  }
  const data = event.event_data ?? {};
  const task = data.task ?? '';
  const host = data.host ?? '';
  const message = typeof data.res?.msg === 'string' ? data.res.msg : undefined;
  switch (event.event) {
    case 'playbook_on_play_start':
      return { kind: 'play', name: data.play ?? '' };
    case 'playbook_on_task_start':
      return { kind: 'task', name: task };
    case 'runner_on_ok':
      return { kind: 'host', host, task, status: data.res?.changed ? 'changed' : 'ok' };
    case 'runner_on_failed':
      // A failure the task ignores (ignore_errors) counts as ok in the recap and stops nothing.
      if (data.ignore_errors) return { kind: 'host', host, task, status: 'ok' };
      return { kind: 'host', host, task, status: 'failed', ...(message ? { message } : {}) };
    case 'runner_on_unreachable':
      return { kind: 'host', host, task, status: 'unreachable', ...(message ? { message } : {}) };
    case 'runner_on_skipped':
      return { kind: 'host', host, task, status: 'skipped' };
    case 'playbook_on_stats': {
      const hosts: Record<string, HostRecap> = {};
      const names = new Set([data.ok, data.changed, data.failures, data.dark, data.skipped].flatMap((m) => Object.keys(m ?? {})));
      for (const name of names) {
        hosts[name] = {
          ok: data.ok?.[name] ?? 0,
          changed: data.changed?.[name] ?? 0,
          failed: data.failures?.[name] ?? 0,
          unreachable: data.dark?.[name] ?? 0,
          skipped: data.skipped?.[name] ?? 0,
        };
      }
      return { kind: 'recap', hosts };
    }
    default:
      return null;
  }
}

export function formatRecap(hosts: Record<string, HostRecap>): string[] {
  const width = Math.max(0, ...Object.keys(hosts).map((h) => h.length));
  return Object.entries(hosts).map(
    ([host, r]) => `${host.padEnd(width)}  ok=${r.ok} changed=${r.changed} failed=${r.failed} unreachable=${r.unreachable} skipped=${r.skipped}`,
  );
}
