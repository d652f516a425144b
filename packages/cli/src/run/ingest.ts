import { readRunPhase, type OutputManager, type RunEvent, type RunPhase, type Sample, type SecretRedactor, type Tags } from '@jlt/core';
import type { CoordinatorSink, ServerCollectors } from '@jlt/agents';
import type { ResultsStore } from '@jlt/reporters';

/**
 * The way into the fan-out for everything a run collects. Agents' samples get their bridge tag
 * resolved (an address becomes the bridge's id) and feed the placement tracker on the way; every
 * event is redacted (a URL password in a navigation error, a token) before any output sees it, and
 * the run learns its phase from the `run-phase` events passing through.
 */
export class RunIngest {
  private collectors: ServerCollectors | undefined;

  constructor(
    private readonly outputs: OutputManager,
    private readonly store: ResultsStore,
    private readonly redactor: SecretRedactor,
    /** Called with the phase of every `run-phase` event that passes. */
    private readonly onPhase: (phase: RunPhase) => void,
  ) {}

  /** Bots' bridge tags are resolved through the collectors' placement from here on. */
  useCollectors(collectors: ServerCollectors): void {
    this.collectors = collectors;
  }

  samples = (samples: readonly Sample[]): void => {
    this.outputs.addSamples(samples);
  };

  events = (events: readonly RunEvent[]): void => {
    const redacted = events.map((event) => this.redactor.value(event));
    for (const event of redacted) {
      const phase = readRunPhase(event)?.phase;
      if (phase !== undefined) this.onPhase(phase);
    }
    this.outputs.addEvents(redacted);
  };

  /** Where the coordinator puts what agents send. */
  readonly agentSink: CoordinatorSink = {
    samples: (samples) => {
      const retagged = new Map<Tags, Tags>();
      const tagged = samples.map((sample) => this.retag(sample, retagged));
      this.collectors?.placement.observeBotSamples(tagged);
      this.samples(tagged);
    },
    events: (events) => this.events(events),
    backlogAgeMs: () => this.store.pendingAgeMs(),
  };

  private retag(sample: Sample, retagged: Map<Tags, Tags>): Sample {
    const bridge = sample.tags.bridge;
    const id = bridge === undefined ? undefined : this.collectors?.placement.resolveBridge(bridge);
    if (id === undefined || id === bridge) return sample;
    // Samples of one batch share their tags object; so do their retagged copies.
    let tags = retagged.get(sample.tags);
    if (tags === undefined) {
      tags = { ...sample.tags, bridge: id };
      retagged.set(sample.tags, tags);
    }
    return { ...sample, tags };
  }
}
