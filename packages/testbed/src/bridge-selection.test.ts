import { describe, expect, it } from 'vitest';
import { correctedStress, selectBridge, type BridgeCandidate, type SelectionInput } from './bridge-selection.js';

function bridge(id: string, over: Partial<BridgeCandidate> = {}): BridgeCandidate {
  return { id, region: 'all', stress: 0, recentlyAddedEndpoints: 0, relayId: id, conferenceParticipants: 0, inConference: false, ...over };
}
function inConf(id: string, participants: number, over: Partial<BridgeCandidate> = {}): BridgeCandidate {
  return bridge(id, { inConference: true, conferenceParticipants: participants, ...over });
}
const base = { octo: true, participantRegion: undefined } satisfies Partial<SelectionInput>;

describe('selectBridge', () => {
  it.each<[string, SelectionInput, string | undefined]>([
    ['no bridges', { ...base, strategy: 'region', bridges: [] }, undefined],
    ['region: first participant goes to the least loaded', { ...base, strategy: 'region', bridges: [bridge('jvb-1', { stress: 0.5 }), bridge('jvb-2', { stress: 0.1 })] }, 'jvb-2'],
    ['region: corrected stress counts recent joins', { ...base, strategy: 'region', bridges: [bridge('jvb-1', { stress: 0.1, recentlyAddedEndpoints: 10 }), bridge('jvb-2', { stress: 0.15 })] }, 'jvb-2'],
    ['region: stays on the conference bridge while not overloaded', { ...base, strategy: 'region', bridges: [inConf('jvb-1', 5, { stress: 0.7 }), bridge('jvb-2')] }, 'jvb-1'],
    ['region: moves off an overloaded conference bridge', { ...base, strategy: 'region', bridges: [inConf('jvb-1', 5, { stress: 0.8 }), bridge('jvb-2', { stress: 0.3 }), bridge('jvb-3', { stress: 0.2 })] }, 'jvb-3'],
    ['region: ramp-up pushes the conference bridge over 0.8', { ...base, strategy: 'region', bridges: [inConf('jvb-1', 5, { stress: 0.75, recentlyAddedEndpoints: 5 }), bridge('jvb-2', { stress: 0.3 })] }, 'jvb-2'],
    ['region: max participants per bridge', { ...base, strategy: 'region', maxBridgeParticipants: 3, bridges: [inConf('jvb-1', 3), bridge('jvb-2', { stress: 0.5 })] }, 'jvb-2'],
    ['region: everything overloaded → least-loaded conference bridge', { ...base, strategy: 'region', bridges: [inConf('jvb-1', 5, { stress: 0.9 }), bridge('jvb-2', { stress: 0.95 })] }, 'jvb-1'],
    ['region: prefers the participant region', { ...base, participantRegion: 'eu', strategy: 'region', bridges: [inConf('jvb-1', 1, { region: 'us' }), bridge('jvb-2', { region: 'eu', stress: 0.4 })] }, 'jvb-2'],
    ['region: conference bridge in region first', { ...base, participantRegion: 'eu', strategy: 'region', bridges: [inConf('jvb-1', 1, { region: 'eu', stress: 0.5 }), bridge('jvb-2', { region: 'eu' })] }, 'jvb-1'],
    ['region without octo never splits', { ...base, octo: false, strategy: 'region', bridges: [inConf('jvb-1', 5, { stress: 2 }), bridge('jvb-2')] }, 'jvb-1'],
    ['split: fills bridges not yet in the conference', { ...base, strategy: 'split', bridges: [inConf('jvb-1', 1), bridge('jvb-2', { stress: 0.5 }), bridge('jvb-3', { stress: 0.2 })] }, 'jvb-3'],
    ['split: then the conference bridge with fewest participants', { ...base, strategy: 'split', bridges: [inConf('jvb-1', 2), inConf('jvb-2', 1, { stress: 0.9 })] }, 'jvb-2'],
    ['split without octo never splits', { ...base, octo: false, strategy: 'split', bridges: [inConf('jvb-1', 4), bridge('jvb-2')] }, 'jvb-1'],
    ['split: a conference bridge without relay id is not split', { ...base, strategy: 'split', bridges: [inConf('jvb-1', 1, { relayId: undefined }), bridge('jvb-2')] }, 'jvb-1'],
  ])('%s', (_name, input, expected) => {
    expect(selectBridge(input)).toBe(expected);
  });

  it('split round-robins a growing conference over the bridges', () => {
    const counts = new Map<string, number>();
    for (let i = 0; i < 7; i++) {
      const bridges = ['jvb-1', 'jvb-2', 'jvb-3'].map((id) =>
        counts.has(id) ? inConf(id, counts.get(id) ?? 0) : bridge(id),
      );
      const chosen = selectBridge({ ...base, strategy: 'split', bridges });
      if (chosen) counts.set(chosen, (counts.get(chosen) ?? 0) + 1);
    }
    expect(Object.fromEntries(counts)).toEqual({ 'jvb-1': 3, 'jvb-2': 2, 'jvb-3': 2 });
  });

  it('corrects stress by average participant stress per recent join', () => {
    expect(correctedStress(bridge('b', { stress: 0.5, recentlyAddedEndpoints: 3 }))).toBeCloseTo(0.53, 10);
    expect(correctedStress(bridge('b', { stress: 0.5, recentlyAddedEndpoints: 3 }), 0.1)).toBeCloseTo(0.8, 10);
  });
});
