import { randomUUID } from 'node:crypto';
import type { Logger } from '@jlt/core';
import type { ReceiverVideoConstraintsMessage } from '@jlt/jitsi';
import type { Bridge } from './bridge.js';
import type { ConferenceRef } from './bridge-conference.js';
import {
  PARTICIPANT_RAMPUP_INTERVAL_MS,
  selectBridge,
  type BridgeCandidate,
  type BridgeSelectionStrategy,
} from './bridge-selection.js';
import { newConferenceId, newEndpointId } from './ids.js';
import type { MediaKind } from './relay-header.js';
import type { MemberInfo, ServerMessage } from './signalling-messages.js';

export const MUC_DOMAIN = 'conference.testbed.jlt';

export interface FocusOptions {
  bridges: readonly Bridge[];
  octo: boolean;
  strategy: BridgeSelectionStrategy;
  logger: Logger;
  stressThreshold?: number;
  now?: () => number;
}

export interface JoinRequest {
  room: string;
  displayName: string;
  sendAudio: boolean;
  sendVideo: boolean;
  region: string | undefined;
  /** Delivers a message to this participant's page. */
  signal: (message: ServerMessage) => void;
}

export interface Participant {
  endpointId: string;
  room: string;
  conferenceId: string;
  bridgeId: string;
  region: string;
  displayName: string;
  kinds: MediaKind[];
  signal: (message: ServerMessage) => void;
}

interface FocusConference {
  ref: ConferenceRef;
  room: string;
  participants: Map<string, Participant>;
}

/**
 * The focus (Jicofo's role): keeps the conferences, puts each participant on a bridge with the
 * configured strategy, sets up relays between the bridges of a split conference, and tells every
 * page who is in its conference. All state changes run synchronously on the event loop, so joins
 * and leaves never interleave halfway.
 */
export class Focus {
  private readonly conferences = new Map<string, FocusConference>();
  private readonly recentJoins = new Map<string, number[]>();
  private readonly bridges: Map<string, Bridge>;
  private readonly now: () => number;

  constructor(private readonly options: FocusOptions) {
    this.bridges = new Map(options.bridges.map((b) => [b.id, b]));
    this.now = options.now ?? Date.now;
  }

  join(request: JoinRequest): Participant {
    let conference = this.conferences.get(request.room);
    if (!conference) {
      conference = {
        ref: { id: newConferenceId(), name: `${request.room}@${MUC_DOMAIN}`, meetingId: randomUUID() },
        room: request.room,
        participants: new Map(),
      };
      this.conferences.set(request.room, conference);
    }
    const bridge = this.pickBridge(conference, request.region);
    const kinds: MediaKind[] = [];
    if (request.sendAudio) kinds.push('audio');
    if (request.sendVideo) kinds.push('video');
    const participant: Participant = {
      endpointId: newEndpointId(),
      room: request.room,
      conferenceId: conference.ref.id,
      bridgeId: bridge.id,
      region: bridge.region,
      displayName: request.displayName,
      kinds,
      signal: request.signal,
    };
    const bridgeIsNew = !this.bridgesOf(conference).has(bridge.id);
    conference.participants.set(participant.endpointId, participant);
    this.recordJoin(bridge.id);
    const ref = conference.ref;
    const endpointId = participant.endpointId;
    request.signal({
      type: 'joined',
      endpointId,
      conferenceId: ref.id,
      room: conference.room,
      bridgeId: bridge.id,
      region: bridge.region,
    });
    bridge.allocateEndpoint(ref, {
      id: endpointId,
      displayName: request.displayName,
      sendAudio: request.sendAudio,
      sendVideo: request.sendVideo,
      signal: request.signal,
      onFailure: (reason) => {
        this.options.logger.log('warn', 'testbed: endpoint failed, expiring it', { endpoint: endpointId, reason });
        this.leave(request.room, endpointId);
      },
    });
    if (bridgeIsNew) {
      this.updateRelays(conference);
      for (const other of conference.participants.values()) {
        if (other.bridgeId !== bridge.id) bridge.addRelayedEndpoint(ref.id, other.endpointId, other.kinds, other.bridgeId);
      }
    }
    for (const otherBridgeId of this.bridgesOf(conference)) {
      if (otherBridgeId === bridge.id) continue;
      this.bridges.get(otherBridgeId)?.addRelayedEndpoint(ref.id, endpointId, kinds, bridge.id);
    }
    this.broadcastMembers(conference);
    this.options.logger.log('debug', 'testbed: participant joined', { room: request.room, endpoint: endpointId, bridge: bridge.id });
    return participant;
  }

  /** Removes a participant everywhere; a no-op for an unknown one. */
  leave(room: string, endpointId: string): void {
    const conference = this.conferences.get(room);
    const participant = conference?.participants.get(endpointId);
    if (!conference || !participant) return;
    conference.participants.delete(endpointId);
    const bridge = this.bridges.get(participant.bridgeId);
    const ref = conference.ref;
    if (bridge) {
      bridge.expireEndpoint(ref.id, endpointId).catch((error: unknown) => {
        this.options.logger.log('warn', 'testbed: expiring endpoint failed', { endpoint: endpointId, error: String(error) });
      });
    }
    const remaining = this.bridgesOf(conference);
    for (const bridgeId of remaining) {
      if (bridgeId !== participant.bridgeId) this.bridges.get(bridgeId)?.removeRelayedEndpoint(ref.id, endpointId);
    }
    if (!remaining.has(participant.bridgeId)) this.updateRelays(conference);
    if (conference.participants.size === 0) this.conferences.delete(room);
    else this.broadcastMembers(conference);
  }

  /** Answers from a page go to its endpoint on its bridge; false when there is no offer to answer. */
  answer(participant: Participant, sdp: string): boolean {
    const endpoint = this.bridges.get(participant.bridgeId)?.getEndpoint(participant.conferenceId, participant.endpointId);
    return endpoint?.handleAnswer(sdp) ?? false;
  }

  /** A page's bridge-channel message goes to its endpoint on its bridge (JVB gets it over the data channel). */
  bridgeChannelMessage(participant: Participant, message: ReceiverVideoConstraintsMessage): void {
    this.bridges.get(participant.bridgeId)?.setReceiverConstraints(participant.conferenceId, participant.endpointId, message);
  }

  /** Which bridge each participant of a room is on (like Jicofo's colibri session manager). */
  placement(room: string): Record<string, string> {
    const conference = this.conferences.get(room);
    return conference
      ? Object.fromEntries([...conference.participants.values()].map((p) => [p.endpointId, p.bridgeId]))
      : {};
  }

  private pickBridge(conference: FocusConference, region: string | undefined): Bridge {
    const inConference = new Map<string, number>();
    for (const p of conference.participants.values()) inConference.set(p.bridgeId, (inConference.get(p.bridgeId) ?? 0) + 1);
    const candidates: BridgeCandidate[] = [...this.bridges.values()].map((b) => ({
      id: b.id,
      region: b.region,
      stress: b.stressLevel,
      recentlyAddedEndpoints: this.recentJoinCount(b.id),
      relayId: b.relayId,
      conferenceParticipants: inConference.get(b.id) ?? 0,
      inConference: inConference.has(b.id),
    }));
    const chosen = selectBridge({
      strategy: this.options.strategy,
      octo: this.options.octo,
      bridges: candidates,
      participantRegion: region,
      ...(this.options.stressThreshold === undefined ? {} : { stressThreshold: this.options.stressThreshold }),
    });
    const bridge = chosen === undefined ? undefined : this.bridges.get(chosen);
    if (!bridge) throw new Error('the testbed has no bridge');
    return bridge;
  }

  private bridgesOf(conference: FocusConference): Set<string> {
    return new Set([...conference.participants.values()].map((p) => p.bridgeId));
  }

  /** Full mesh of relays between the conference's bridges. */
  private updateRelays(conference: FocusConference): void {
    const ids = [...this.bridgesOf(conference)];
    const addresses = ids.flatMap((id) => {
      const bridge = this.bridges.get(id);
      return bridge ? [bridge.relayAddress] : [];
    });
    for (const id of ids) this.bridges.get(id)?.setRelays(conference.ref.id, addresses);
  }

  private broadcastMembers(conference: FocusConference): void {
    const members: MemberInfo[] = [...conference.participants.values()].map((p) => ({
      endpointId: p.endpointId,
      displayName: p.displayName,
      bridgeId: p.bridgeId,
    }));
    const bridgeCount = this.bridgesOf(conference).size;
    for (const p of conference.participants.values()) p.signal({ type: 'members', members, bridgeCount });
  }

  private recordJoin(bridgeId: string): void {
    const list = this.recentJoins.get(bridgeId) ?? [];
    list.push(this.now());
    this.recentJoins.set(bridgeId, list);
  }

  private recentJoinCount(bridgeId: string): number {
    const cutoff = this.now() - PARTICIPANT_RAMPUP_INTERVAL_MS;
    const list = (this.recentJoins.get(bridgeId) ?? []).filter((t) => t > cutoff);
    this.recentJoins.set(bridgeId, list);
    return list.length;
  }
}
