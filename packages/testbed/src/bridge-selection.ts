/**
 * Jicofo's bridge selection (`BridgeSelectionStrategy.select` and its subclasses), as pure functions.
 *
 * - `region` (RegionBasedBridgeSelectionStrategy): stay on a conference bridge in the participant's
 *   region while it is not overloaded, else the least-loaded non-overloaded bridge, else the
 *   least-loaded bridge.
 * - `split` (SplitBridgeSelectionStrategy, "for testing"): a bridge not yet in the conference if any,
 *   else the conference bridge with the fewest of its participants.
 *
 * A conference is only split over several bridges when relaying (Octo) is enabled and the
 * conference's bridge has a relay id; otherwise every participant goes to the conference's bridge.
 */
export type BridgeSelectionStrategy = 'region' | 'split';
export const BRIDGE_SELECTION_STRATEGIES: readonly BridgeSelectionStrategy[] = ['region', 'split'];

/** Jicofo `stress-threshold`. */
export const DEFAULT_STRESS_THRESHOLD = 0.8;
/** Jicofo `max-bridge-participants`. */
export const DEFAULT_MAX_BRIDGE_PARTICIPANTS = 80;
/** Jicofo `average-participant-stress`, used to correct stress for recently added endpoints. */
export const DEFAULT_AVERAGE_PARTICIPANT_STRESS = 0.01;
/** Jicofo `participant-rampup-interval`. */
export const PARTICIPANT_RAMPUP_INTERVAL_MS = 20_000;

export interface BridgeCandidate {
  id: string;
  region: string | undefined;
  /** Stress last reported by the bridge. */
  stress: number;
  /** Endpoints added to this bridge within the ramp-up interval. */
  recentlyAddedEndpoints: number;
  /** Set when the bridge can relay (Octo); Jicofo never splits a conference whose bridge lacks one. */
  relayId: string | undefined;
  /** This conference's participants already on this bridge; 0 when the bridge is not in it. */
  conferenceParticipants: number;
  inConference: boolean;
}

export interface SelectionInput {
  strategy: BridgeSelectionStrategy;
  octo: boolean;
  bridges: readonly BridgeCandidate[];
  participantRegion: string | undefined;
  stressThreshold?: number;
  maxBridgeParticipants?: number;
  averageParticipantStress?: number;
}

/** Jicofo `Bridge.correctedStress`: reported stress plus the expected load of recent joins. */
export function correctedStress(bridge: BridgeCandidate, averageParticipantStress = DEFAULT_AVERAGE_PARTICIPANT_STRESS): number {
  return bridge.stress + bridge.recentlyAddedEndpoints * averageParticipantStress;
}

/** Returns the chosen bridge id, or undefined when there is no bridge at all. */
export function selectBridge(input: SelectionInput): string | undefined {
  const threshold = input.stressThreshold ?? DEFAULT_STRESS_THRESHOLD;
  const maxParticipants = input.maxBridgeParticipants ?? DEFAULT_MAX_BRIDGE_PARTICIPANTS;
  const aps = input.averageParticipantStress ?? DEFAULT_AVERAGE_PARTICIPANT_STRESS;
  const byLoad = [...input.bridges].sort(
    (a, b) => correctedStress(a, aps) - correctedStress(b, aps) || a.id.localeCompare(b.id),
  );
  if (byLoad.length === 0) return undefined;
  const overloaded = (b: BridgeCandidate): boolean =>
    correctedStress(b, aps) >= threshold || b.conferenceParticipants >= maxParticipants;
  const conferenceBridges = byLoad.filter((b) => b.inConference);

  if (conferenceBridges.length === 0) {
    if (input.strategy === 'split') return byLoad[0]?.id;
    return regionOrder(byLoad, input.participantRegion, overloaded, maxParticipants);
  }
  const existing = conferenceBridges[0];
  if (existing && (!input.octo || existing.relayId === undefined)) return existing.id;

  const relayCapable = byLoad.filter((b) => b.relayId !== undefined);
  if (input.strategy === 'split') {
    const fresh = relayCapable.find((b) => !b.inConference);
    if (fresh) return fresh.id;
    return [...conferenceBridges].sort(
      (a, b) => a.conferenceParticipants - b.conferenceParticipants || a.id.localeCompare(b.id),
    )[0]?.id;
  }
  return regionOrder(relayCapable, input.participantRegion, overloaded, maxParticipants);
}

/** RegionBasedBridgeSelectionStrategy.doSelect's order of preference over load-sorted bridges. */
function regionOrder(
  byLoad: readonly BridgeCandidate[],
  region: string | undefined,
  overloaded: (b: BridgeCandidate) => boolean,
  maxParticipants: number,
): string | undefined {
  const inRegion = (b: BridgeCandidate): boolean => region !== undefined && b.region === region;
  const steps: ((b: BridgeCandidate) => boolean)[] = [
    (b) => b.inConference && inRegion(b) && !overloaded(b),
    (b) => inRegion(b) && !overloaded(b),
    (b) => b.inConference && !overloaded(b),
    (b) => !overloaded(b),
    (b) => b.inConference && b.conferenceParticipants < maxParticipants,
    () => true,
  ];
  for (const step of steps) {
    const found = byLoad.find(step);
    if (found) return found.id;
  }
  return undefined;
}
