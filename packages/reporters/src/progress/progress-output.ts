import {
  AGENT_CONNECTED_EVENT,
  AGENT_LOST_EVENT,
  RUN_PHASE_LABELS,
  readBotState,
  readRunPhase,
  type Output,
  type RunEvent,
  type RunPhase,
  type Sample,
  type TrackedBotState,
} from '@jlt/core';
import type { StatusTerminal } from './status-terminal.js';

export interface ProgressOutputOptions {
  terminal: Pick<StatusTerminal, 'interactive' | 'write' | 'setStatus' | 'clearStatus'>;
  plan: { bots: number; conferences: number; totalMs: number };
  /** The run clock (coordinator time). */
  now(): number;
  /** Redraw period in a terminal; default 1 s. */
  redrawMs?: number;
  /** Period of the plain line elsewhere (CI logs); default 10 s. */
  lineEveryMs?: number;
}

/** How far back "current" reaches for RTT p95 and bitrates. */
const RTT_WINDOW_MS = 10_000;
const BITRATE_WINDOW_MS = 5_000;
/** Phases in which the run's figures mean something and the periodic line is printed. */
const LIVE_PHASES = new Set<RunPhase>(['preparing', 'running', 'stopping']);

interface Latest {
  time: number;
  value: number;
}

/**
 * The live progress of `jlt run`, fed like every other output: run phases, agents and bot states
 * arrive as events (`run-phase`, `agent-connected`, `bot-state`, …), figures as samples. In a
 * terminal it redraws a status block in place every second; elsewhere it prints one plain line when
 * the phase changes and every 10 s. Warnings and errors among the events are printed as they come.
 * `addSamples` keeps only the few values the display needs (O(1) per sample).
 */
export class ProgressOutput implements Output {
  readonly name = 'progress';
  private readonly options: ProgressOutputOptions;
  private timer: NodeJS.Timeout | undefined;
  private phase: RunPhase | undefined;
  private shownPhase: string | undefined;
  private startedAt: number | undefined;
  private totalMs: number;
  private readonly agents = new Set<string>();
  private readonly lostAgents = new Set<string>();
  private readonly bots = new Map<string, { state: TrackedBotState; conference?: string; joined: boolean }>();
  private rtt: Latest[] = [];
  private readonly sendKbps = new Map<string, Latest>();
  private readonly recvKbps = new Map<string, Latest>();
  private readonly bridges = new Map<string, { stress?: number; endpoints?: number }>();

  constructor(options: ProgressOutputOptions) {
    this.options = options;
    this.totalMs = options.plan.totalMs;
  }

  async start(): Promise<void> {
    this.schedule();
  }

  /** (Re)starts the period; a plain line printed for a phase change starts the next 10 s anew. */
  private schedule(): void {
    clearInterval(this.timer);
    const interactive = this.options.terminal.interactive;
    const every = interactive ? (this.options.redrawMs ?? 1_000) : (this.options.lineEveryMs ?? 10_000);
    this.timer = setInterval(() => this.tick(), every);
    this.timer.unref();
  }

  addSamples(samples: readonly Sample[]): void {
    for (const sample of samples) {
      switch (sample.metric) {
        case 'webrtc_rtt_ms':
          this.rtt.push({ time: sample.time, value: sample.value });
          break;
        case 'webrtc_send_kbps':
        case 'webrtc_recv_kbps': {
          const bot = sample.meta?.bot;
          if (typeof bot === 'string') (sample.metric === 'webrtc_send_kbps' ? this.sendKbps : this.recvKbps).set(bot, { time: sample.time, value: sample.value });
          break;
        }
        case 'jvb_stress':
        case 'jvb_local_endpoints': {
          const bridge = sample.tags.bridge;
          if (bridge === undefined) break;
          const figures = this.bridges.get(bridge) ?? {};
          if (sample.metric === 'jvb_stress') figures.stress = sample.value;
          else figures.endpoints = sample.value;
          this.bridges.set(bridge, figures);
          break;
        }
      }
    }
  }

  addEvents(events: readonly RunEvent[]): void {
    let phaseChanged = false;
    for (const event of events) {
      const phase = readRunPhase(event);
      if (phase !== undefined) {
        this.phase = phase.phase;
        if (phase.startedAt !== undefined) this.startedAt = phase.startedAt;
        if (phase.totalMs !== undefined) this.totalMs = phase.totalMs;
        phaseChanged = true;
        continue;
      }
      const bot = readBotState(event);
      if (bot !== undefined) {
        const previous = this.bots.get(bot.bot);
        const conference = event.tags?.conference ?? previous?.conference;
        this.bots.set(bot.bot, { state: bot.state, ...(conference ? { conference } : {}), joined: (previous?.joined ?? false) || bot.state === 'joined' });
        continue;
      }
      const agent = event.tags?.agent;
      if (event.kind === AGENT_CONNECTED_EVENT && agent !== undefined) this.agents.add(agent);
      if (event.kind === AGENT_LOST_EVENT && agent !== undefined) this.lostAgents.add(agent);
      if (event.level !== 'info') {
        const bot = event.meta?.bot;
        this.options.terminal.write(`${event.level}: ${event.message}${typeof bot === 'string' ? ` bot=${bot}` : ''}\n`);
      }
    }
    // A change of what the display calls the phase (joining → running included) is shown at once.
    if (this.phase !== undefined && (phaseChanged || this.displayPhase() !== this.shownPhase)) this.show();
  }

  async onRunEnd(): Promise<void> {
    this.halt();
  }

  async stop(): Promise<void> {
    this.halt();
  }

  /** The status block as drawn in a terminal. */
  statusLines(): string[] {
    const figures = this.figures();
    const lines = [
      `jlt ▸ ${figures.phase.padEnd(8)} ${figures.elapsed}${figures.bar}`,
      `  agents       ${figures.agents}`,
      `  bots         ${figures.bots}`,
      `  conferences  ${figures.conferences}`,
      `  client       ${figures.client}`,
    ];
    for (const [bridge, text] of figures.bridges) lines.push(`  ${bridge.padEnd(12)} ${text}`);
    return lines;
  }

  /** The one line printed outside a terminal. */
  line(): string {
    const phase = this.phase;
    if (phase !== undefined && !LIVE_PHASES.has(phase)) return `${RUN_PHASE_LABELS[phase]}…`;
    const f = this.figures();
    return [`${f.phase} ${f.elapsed}`, `agents ${f.agents}`, `bots ${f.bots}`, `conferences ${f.conferences}`, f.client, ...f.bridges.map(([bridge, text]) => `${bridge} ${text}`)].join(' · ');
  }

  private tick(): void {
    if (this.options.terminal.interactive) this.options.terminal.setStatus(this.statusLines());
    else if (this.phase !== undefined && LIVE_PHASES.has(this.phase)) this.options.terminal.write(`${this.line()}\n`);
  }

  private show(): void {
    this.shownPhase = this.displayPhase();
    if (this.options.terminal.interactive) this.options.terminal.setStatus(this.statusLines());
    else {
      this.options.terminal.write(`${this.line()}\n`);
      if (this.timer !== undefined) this.schedule();
    }
  }

  private halt(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    this.options.terminal.clearStatus();
  }

  /** `running` while bots still join is shown as `joining`. */
  private displayPhase(): string {
    if (this.phase === undefined) return 'starting';
    if (this.phase !== 'running') return this.phase;
    const settled = [...this.bots.values()].filter((b) => b.joined || b.state === 'failed' || b.state === 'lost').length;
    return settled < this.options.plan.bots ? 'joining' : 'running';
  }

  private figures(): { phase: string; elapsed: string; bar: string; agents: string; bots: string; conferences: string; client: string; bridges: [string, string][] } {
    const now = this.options.now();
    const elapsedMs = this.startedAt === undefined ? 0 : Math.min(Math.max(0, now - this.startedAt), this.totalMs);
    const bots = [...this.bots.values()];
    const count = (state: TrackedBotState): number => bots.filter((b) => b.state === state).length;
    const joined = bots.filter((b) => b.joined && b.state !== 'failed' && b.state !== 'lost').length;
    const inConference = new Set(bots.filter((b) => b.state === 'joined' && b.conference !== undefined).map((b) => b.conference));
    this.rtt = this.rtt.filter((r) => r.time >= now - RTT_WINDOW_MS);
    const rttP95 = percentile(this.rtt.map((r) => r.value), 0.95);
    const kbps = (latest: Map<string, Latest>): number => [...latest.values()].filter((l) => l.time >= now - BITRATE_WINDOW_MS).reduce((sum, l) => sum + l.value, 0);
    const width = 20;
    const done = this.totalMs > 0 ? Math.round((elapsedMs / this.totalMs) * width) : 0;
    const lost = this.lostAgents.size;
    return {
      phase: this.displayPhase(),
      elapsed: `${seconds(elapsedMs)}/${seconds(this.totalMs)}`,
      bar: this.startedAt === undefined ? '' : `  [${'█'.repeat(done)}${'░'.repeat(width - done)}]`,
      agents: `${this.agents.size - lost}${lost > 0 ? ` (${lost} lost)` : ''}`,
      bots: `joined ${joined}/${this.options.plan.bots} · failed ${count('failed')} · lost ${count('lost')}`,
      conferences: `${inConference.size}/${this.options.plan.conferences}`,
      client: `rtt p95 ${rttP95 === undefined ? '–' : `${Math.round(rttP95)} ms`} · send ${kbpsText(kbps(this.sendKbps))} · recv ${kbpsText(kbps(this.recvKbps))}`,
      bridges: [...this.bridges.entries()]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([bridge, f]) => [bridge, `stress ${f.stress === undefined ? '–' : f.stress.toFixed(2)} · ${f.endpoints ?? '–'} endpoints`]),
    };
  }
}

function seconds(ms: number): string {
  return `${Math.floor(ms / 1000)}s`;
}

function kbpsText(kbps: number): string {
  return kbps >= 10_000 ? `${(kbps / 1000).toFixed(1)} Mbps` : `${Math.round(kbps)} kbps`;
}

/** Nearest-rank percentile; undefined without values. */
function percentile(values: number[], q: number): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}
