/**
 * The in-page reduction of raw `RTCPeerConnection.getStats()` reports to one compact sample per
 * interval. `reduceStats` runs in the browser: it is serialized with `Function.prototype.toString`,
 * so it must stay self-contained (no imports at run time, no helpers or constants from module scope,
 * no nested named functions) and cheap (one pass per report, no per-stat allocations).
 */
import type { LiteReceiveTotals } from './lite-receiver.js';

/** One entry of an RTCStatsReport; fields are read defensively because browsers differ. */
export interface RtcStatLike {
  id: string;
  type: string;
  [field: string]: unknown;
}

/** What both a browser `RTCStatsReport` and a `Map<string, RtcStatLike>` provide. */
export interface StatsReportLike {
  forEach(callback: (stat: RtcStatLike) => void): void;
  get(id: string): unknown;
}

/** One bot's connection quality over the last interval. Absent fields were not measurable. */
export interface BotStatsSample {
  /** Selected ICE candidate pair `currentRoundTripTime`, else remote-inbound-rtp `roundTripTime`; worst connection. */
  rttMs?: number;
  /** Mean inbound-rtp jitter over received streams. */
  jitterMs?: number;
  sendKbps?: number;
  recvKbps?: number;
  /** Delta packetsLost / (delta packetsReceived + delta packetsLost) over all inbound streams. */
  packetLossRatio?: number;
  /** Highest outbound video `framesPerSecond` (the top simulcast layer). */
  sendFps?: number;
  /**
   * Delta framesDecoded per second, averaged over inbound video streams (a stalled stream counts as 0).
   * A lite bot's: frames that arrived (counted by its transform) per second and stream.
   */
  recvFps?: number;
  /** Mean frameHeight over inbound video streams that have decoded a frame; a lite bot's: from the keyframes that arrived. */
  recvFrameHeight?: number;
  /** Keyframe requests (PLIs) this bot sent per minute, summed over its inbound video streams. */
  recvPlisPerMin?: number;
  /** A lite bot's: the share of frames that arrived which reached its decoder as they came (not replaced by a placeholder). */
  liteFramesPassedRatio?: number;
  /** The most severe outbound video `qualityLimitationReason`: cpu > bandwidth > other > none. */
  qualityLimitation?: string;
  /** `candidateType` of the selected pair's remote candidate (host, srflx, prflx, relay). */
  candidateType?: string;
  /** `address:port` (IPv6: `[address]:port`) of the selected pair's remote candidate; names the bridge when the page cannot. */
  remoteAddress?: string;
  /** Total frames decoded over all inbound video streams. */
  framesDecoded: number;
}

/** Cumulative totals from the previous call; rates are deltas against these. */
export interface StatsState {
  atMs: number;
  bytesSent: number;
  bytesReceived: number;
  packetsReceived: number;
  packetsLost: number;
  framesDecoded: number;
  plis: number;
  /** A lite bot's receive-side totals: frames that arrived on transformed streams, and those replaced. */
  liteFrames?: number;
  litePlaceholders?: number;
}

export function reduceStats(
  prev: StatsState | undefined,
  reports: readonly StatsReportLike[],
  nowMs: number,
  lite?: LiteReceiveTotals,
): { sample: BotStatsSample; state: StatsState } {
  let bytesSent = 0;
  let bytesReceived = 0;
  let packetsReceived = 0;
  let packetsLost = 0;
  let framesDecoded = 0;
  let plis = 0;
  let jitterSum = 0;
  let jitterCount = 0;
  let videoIn = 0;
  let heightSum = 0;
  let heightCount = 0;
  let sendFps: number | undefined;
  let limitation: string | undefined;
  let limitationRank = -1;
  let rttMs: number | undefined;
  let remoteRttMs: number | undefined;
  let candidateType: string | undefined;
  let remoteAddress: string | undefined;
  const n = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0);

  for (const report of reports) {
    let selectedPairId: string | undefined;
    let fallbackPair: RtcStatLike | undefined;
    report.forEach((s) => {
      switch (s.type) {
        case 'transport':
          if (typeof s.selectedCandidatePairId === 'string') selectedPairId = s.selectedCandidatePairId;
          break;
        case 'candidate-pair':
          if (s.selected === true || (fallbackPair === undefined && s.nominated === true && s.state === 'succeeded')) fallbackPair = s;
          break;
        case 'inbound-rtp':
          bytesReceived += n(s.bytesReceived);
          packetsReceived += n(s.packetsReceived);
          packetsLost += Math.max(0, n(s.packetsLost));
          if (typeof s.jitter === 'number') {
            jitterSum += s.jitter * 1000;
            jitterCount++;
          }
          if (s.kind === 'video') {
            videoIn++;
            framesDecoded += n(s.framesDecoded);
            plis += n(s.pliCount);
            if (n(s.frameHeight) > 0) {
              heightSum += n(s.frameHeight);
              heightCount++;
            }
          }
          break;
        case 'outbound-rtp':
          bytesSent += n(s.bytesSent);
          if (s.kind === 'video') {
            if (typeof s.framesPerSecond === 'number') sendFps = Math.max(sendFps ?? 0, s.framesPerSecond);
            const reason = typeof s.qualityLimitationReason === 'string' ? s.qualityLimitationReason : 'none';
            const rank = reason === 'cpu' ? 3 : reason === 'bandwidth' ? 2 : reason === 'none' ? 0 : 1;
            if (rank > limitationRank) {
              limitationRank = rank;
              limitation = reason;
            }
          }
          break;
        case 'remote-inbound-rtp':
          if (typeof s.roundTripTime === 'number') remoteRttMs = Math.max(remoteRttMs ?? 0, s.roundTripTime * 1000);
          break;
        default:
          break;
      }
    });
    const selected = selectedPairId === undefined ? undefined : report.get(selectedPairId);
    const pair = (selected ?? fallbackPair) as RtcStatLike | undefined;
    if (pair === undefined) continue;
    if (typeof pair.currentRoundTripTime === 'number') rttMs = Math.max(rttMs ?? 0, pair.currentRoundTripTime * 1000);
    const remote = typeof pair.remoteCandidateId === 'string' ? (report.get(pair.remoteCandidateId) as RtcStatLike | undefined) : undefined;
    if (remote !== undefined && candidateType === undefined) {
      if (typeof remote.candidateType === 'string') candidateType = remote.candidateType;
      const address = typeof remote.address === 'string' ? remote.address : typeof remote.ip === 'string' ? remote.ip : undefined;
      // An IPv6 address is bracketed before its port is attached, so the host part can be told apart.
      if (address !== undefined) {
        const host = address.includes(':') ? `[${address}]` : address;
        remoteAddress = typeof remote.port === 'number' ? `${host}:${remote.port}` : host;
      }
    }
  }

  const sample: BotStatsSample = { framesDecoded };
  const rtt = rttMs ?? remoteRttMs;
  if (rtt !== undefined) sample.rttMs = rtt;
  if (jitterCount > 0) sample.jitterMs = jitterSum / jitterCount;
  if (sendFps !== undefined) sample.sendFps = sendFps;
  if (lite !== undefined) {
    if (lite.heightCount > 0) sample.recvFrameHeight = lite.heightSum / lite.heightCount;
  } else if (heightCount > 0) sample.recvFrameHeight = heightSum / heightCount;
  if (limitation !== undefined) sample.qualityLimitation = limitation;
  if (candidateType !== undefined) sample.candidateType = candidateType;
  if (remoteAddress !== undefined) sample.remoteAddress = remoteAddress;

  const dt = prev === undefined ? 0 : nowMs - prev.atMs;
  // A counter going backwards means a connection closed; that interval has no honest rate.
  if (prev !== undefined && dt > 0) {
    if (bytesSent >= prev.bytesSent) sample.sendKbps = ((bytesSent - prev.bytesSent) * 8) / dt;
    if (bytesReceived >= prev.bytesReceived) sample.recvKbps = ((bytesReceived - prev.bytesReceived) * 8) / dt;
    const dReceived = packetsReceived - prev.packetsReceived;
    const dLost = packetsLost - prev.packetsLost;
    if (dReceived >= 0 && dLost >= 0 && dReceived + dLost > 0) sample.packetLossRatio = dLost / (dReceived + dLost);
    if (plis >= prev.plis) sample.recvPlisPerMin = ((plis - prev.plis) * 60_000) / dt;
    if (lite !== undefined) {
      if (lite.streams > 0 && prev.liteFrames !== undefined && lite.frames >= prev.liteFrames) sample.recvFps = ((lite.frames - prev.liteFrames) * 1000) / dt / lite.streams;
      const arrived = lite.frames - (prev.liteFrames ?? 0);
      const replaced = lite.placeholders - (prev.litePlaceholders ?? 0);
      if (prev.liteFrames !== undefined && arrived > 0 && replaced >= 0) sample.liteFramesPassedRatio = (arrived - replaced) / arrived;
    } else if (videoIn > 0 && framesDecoded >= prev.framesDecoded) sample.recvFps = ((framesDecoded - prev.framesDecoded) * 1000) / dt / videoIn;
  }
  const state: StatsState = { atMs: nowMs, bytesSent, bytesReceived, packetsReceived, packetsLost, framesDecoded, plis };
  if (lite !== undefined) {
    state.liteFrames = lite.frames;
    state.litePlaceholders = lite.placeholders;
  }
  return { sample, state };
}
