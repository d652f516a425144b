import type { ReceiverVideoConstraintsMessage, VideoConstraintsValue } from '@jlt/jitsi';

/*
 * Per-receiver layer selection, after JVB's `BitrateController` / `BandwidthAllocator` @a29d97d1:
 * - settings follow `AllocationSettingsWrapper`: a message changes only the fields it carries; before
 *   the first message every source is off (`initial-max-height-px` 0), and a first message without
 *   `defaultConstraints` gets maxHeight 180 (`default-max-height-px`); lastN starts at -1;
 * - `prioritize`: on-stage, then selected sources first (in the order given; `BandwidthAllocator`
 *   counts on-stage sources as selected), then the others in the conference's order (JVB uses speech
 *   activity; the testbed has none and uses join order);
 * - `getEffectiveConstraints`: the first lastN sources (at most 50, `ssrc-limit.video`) with a non-zero
 *   constraint keep it, the rest get 0;
 * - `selectLayersForCamera` with unlimited bandwidth: the highest active layer within maxHeight, the
 *   lowest active layer when none fits, nothing for maxHeight 0; when no layer has sent yet, all count;
 * - bandwidth: JVB only trusts its estimate when RTX is negotiated (the testbed negotiates none) and
 *   honours `assumedBandwidthBps` only when configured to; the testbed treats bandwidth as unlimited
 *   unless a receiver assumes a bandwidth, and then allocates greedily: on-stage sources first take
 *   their best layer that fits, then every other source in priority order its lowest, then each
 *   climbs as far as what is left allows.
 */

/** `ssrc-limit.video`: the most video sources JVB forwards to one receiver. */
export const MAX_FORWARDED_VIDEO_SOURCES = 50;
/** `default-max-height-px`: applied by a receiver's first message when it has no `defaultConstraints`. */
export const DEFAULT_MAX_HEIGHT = 180;
/** `initial-max-height-px`: what a receiver gets before its first message. */
export const INITIAL_MAX_HEIGHT = 0;

export interface AllocationSettings {
  lastN: number;
  onStageSources: readonly string[];
  selectedSources: readonly string[];
  defaultConstraints: VideoConstraintsValue;
  constraints: Readonly<Record<string, VideoConstraintsValue>>;
  /** Negative: no assumption (bandwidth counts as unlimited). */
  assumedBandwidthBps: number;
  /** Whether a message has been applied yet. */
  everSet: boolean;
}

export function initialAllocationSettings(): AllocationSettings {
  return {
    lastN: -1,
    onStageSources: [],
    selectedSources: [],
    defaultConstraints: { maxHeight: INITIAL_MAX_HEIGHT },
    constraints: {},
    assumedBandwidthBps: -1,
    everSet: false,
  };
}

/** Merges a `ReceiverVideoConstraints` message into the settings; absent fields keep their value. */
export function applyReceiverConstraints(settings: AllocationSettings, message: ReceiverVideoConstraintsMessage): AllocationSettings {
  return {
    lastN: message.lastN ?? settings.lastN,
    onStageSources: message.onStageSources ?? settings.onStageSources,
    selectedSources: message.selectedSources ?? settings.selectedSources,
    defaultConstraints: message.defaultConstraints ?? (settings.everSet ? settings.defaultConstraints : { maxHeight: DEFAULT_MAX_HEIGHT }),
    constraints: message.constraints ?? settings.constraints,
    assumedBandwidthBps: message.assumedBandwidthBps ?? settings.assumedBandwidthBps,
    everSet: true,
  };
}

export interface LayerSnapshot {
  /** Simulcast encoding index, 0 = lowest. */
  encoding: number;
  height: number;
  bitrateBps: number;
}

export interface SourceSnapshot {
  sourceName: string;
  endpointId: string;
  /** Ascending by encoding. */
  layers: readonly LayerSnapshot[];
}

export interface SourceAllocation {
  sourceName: string;
  endpointId: string;
  /** The constraint after lastN (JVB's effective constraint). */
  effectiveMaxHeight: number;
  /** The layer forwarded, undefined when the source is not forwarded. */
  target: LayerSnapshot | undefined;
  /** The layer that would be forwarded with unlimited bandwidth. */
  ideal: LayerSnapshot | undefined;
}

export interface Allocation {
  /** In priority order. */
  allocations: SourceAllocation[];
  idealBps: number;
  targetBps: number;
  /** Sources with a non-zero constraint that got no layer for lack of bandwidth. */
  suspended: string[];
}

/** The layers a receiver may get of one camera source under `maxHeight`, ascending. */
export function candidateLayers(layers: readonly LayerSnapshot[], maxHeight: number): LayerSnapshot[] {
  if (maxHeight === 0 || layers.length === 0) return [];
  const sending = layers.filter((l) => l.bitrateBps > 0);
  const usable = [...(sending.length > 0 ? sending : layers)].sort((a, b) => a.height - b.height || a.encoding - b.encoding);
  const fitting = maxHeight < 0 ? usable : usable.filter((l) => l.height <= maxHeight);
  if (fitting.length > 0) return fitting;
  const lowest = usable[0];
  return lowest ? [lowest] : [];
}

function effectiveLastN(lastN: number): number {
  return lastN < 0 ? MAX_FORWARDED_VIDEO_SOURCES : Math.min(lastN, MAX_FORWARDED_VIDEO_SOURCES);
}

/** Allocates one receiver's layers over `sources` (in the conference's order, the receiver's own excluded). */
export function allocate(sources: readonly SourceSnapshot[], settings: AllocationSettings): Allocation {
  const selected = [...new Set([...settings.onStageSources, ...settings.selectedSources])];
  const prioritized = [
    ...selected.flatMap((name) => sources.filter((s) => s.sourceName === name)),
    ...sources.filter((s) => !selected.includes(s.sourceName)),
  ];
  const lastN = effectiveLastN(settings.lastN);
  let withVideo = 0;
  const entries = prioritized.map((source) => {
    let maxHeight = 0;
    if (withVideo < lastN) {
      maxHeight = (settings.constraints[source.sourceName] ?? settings.defaultConstraints).maxHeight;
      if (maxHeight !== 0) withVideo += 1;
    }
    const candidates = candidateLayers(source.layers, maxHeight);
    return { source, maxHeight, candidates, chosen: -1, onStage: settings.onStageSources.includes(source.sourceName) };
  });
  let remaining = settings.assumedBandwidthBps >= 0 ? settings.assumedBandwidthBps : Number.POSITIVE_INFINITY;
  const bestFitting = (entry: (typeof entries)[number], budget: number): number => {
    for (let i = entry.candidates.length - 1; i >= 0; i--) if ((entry.candidates[i]?.bitrateBps ?? 0) <= budget) return i;
    return -1;
  };
  for (const entry of entries.filter((e) => e.onStage)) {
    entry.chosen = bestFitting(entry, remaining);
    remaining -= entry.candidates[entry.chosen]?.bitrateBps ?? 0;
  }
  const others = entries.filter((e) => !e.onStage);
  for (const entry of others) {
    const lowest = entry.candidates[0];
    if (lowest && lowest.bitrateBps <= remaining) {
      entry.chosen = 0;
      remaining -= lowest.bitrateBps;
    }
  }
  for (const entry of others) {
    if (entry.chosen < 0) continue;
    const current = entry.candidates[entry.chosen]?.bitrateBps ?? 0;
    entry.chosen = bestFitting(entry, remaining + current);
    remaining += current - (entry.candidates[entry.chosen]?.bitrateBps ?? 0);
  }
  const allocations = entries.map((e): SourceAllocation => ({
    sourceName: e.source.sourceName,
    endpointId: e.source.endpointId,
    effectiveMaxHeight: e.maxHeight,
    target: e.candidates[e.chosen],
    ideal: e.candidates[e.candidates.length - 1],
  }));
  return {
    allocations,
    idealBps: allocations.reduce((sum, a) => sum + (a.ideal?.bitrateBps ?? 0), 0),
    targetBps: allocations.reduce((sum, a) => sum + (a.target?.bitrateBps ?? 0), 0),
    suspended: allocations.filter((a) => a.effectiveMaxHeight !== 0 && a.ideal && !a.target).map((a) => a.sourceName),
  };
}

/** The highest of several maxHeights, -1 (unlimited) above all; 0 for none (a sender's constraint from its receivers'). */
export function maxConstraint(heights: Iterable<number>): number {
  let max = 0;
  for (const h of heights) max = h === -1 || max === -1 ? -1 : Math.max(max, h);
  return max;
}
