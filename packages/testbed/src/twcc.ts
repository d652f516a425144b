/**
 * Transport-wide congestion control feedback (draft-holmer-rmcat-transport-wide-cc-extensions-01),
 * the bandwidth feedback JVB gives its senders (`TccGeneratorNode`). Chromium's send-side estimator
 * (GoogCC) needs it to probe and ramp up; without it, or with malformed feedback, a sender stays at its
 * start bitrate. werift 0.24 generates TWCC itself, but sends it only after 10 packets, takes its
 * reference time from the previous report's last packet while truncating it to 64 ms, and writes an
 * RTCP length that drops the unpadded tail, so the testbed replaces it with this generator.
 *
 * Arrival times: the bridge handles packets on a JavaScript event loop it shares with the rest of a
 * run, so the time it handles a packet carries the loop's lag (tens to hundreds of ms on a busy
 * machine), which GoogCC reads as a queue building up and answers by cutting the bitrate: measured
 * in a `jlt run` of 4 bots with event-loop lag p95 106 ms, every sender stayed below 130 kbps,
 * bandwidth-limited. Loopback itself has no queue. So a packet's arrival is reported as its sender's
 * abs-send-time plus the smallest arrival-minus-send offset seen lately: a packet the loop delayed is
 * reported when the network delivered it, and what the feedback still carries is loss and the
 * sender's own pacing. Packets without abs-send-time are reported when handled.
 */

/** RTCP payload type of transport-layer feedback and the TWCC format. */
const RTPFB = 205;
const FMT_TWCC = 15;
/** Receive deltas are multiples of 250 µs; the reference time is in multiples of 64 ms. */
const DELTA_UNIT_US = 250;
const REFERENCE_UNIT_US = 64_000;
const MAX_RUN_LENGTH = 0x1fff;
/** Most packets one feedback message reports (the packet status count is 16 bits). */
const MAX_PACKETS_PER_FEEDBACK = 0xffff;

/** Packet status symbols. */
const Status = { NotReceived: 0, SmallDelta: 1, LargeDelta: 2 } as const;
type Status = (typeof Status)[keyof typeof Status];

export interface TransportFeedback {
  senderSsrc: number;
  mediaSsrc: number;
  /** Transport-wide sequence number (16 bits) of the first packet reported. */
  baseSequence: number;
  /** Arrival time in µs per packet from `baseSequence` on; undefined for a packet not received. */
  arrivalsUs: readonly (number | undefined)[];
  /** Feedback packet count (8 bits, wraps). */
  feedbackCount: number;
}

/** Serializes one TWCC feedback RTCP packet; the first received packet's arrival sets the reference time. */
export function encodeTransportFeedback(feedback: TransportFeedback): Buffer {
  const { arrivalsUs } = feedback;
  const first = arrivalsUs.find((a) => a !== undefined);
  if (first === undefined) throw new RangeError('a transport feedback must report at least one received packet');
  if (arrivalsUs.length > MAX_PACKETS_PER_FEEDBACK) throw new RangeError(`a transport feedback reports at most ${MAX_PACKETS_PER_FEEDBACK} packets`);
  const referenceTime = Math.floor(first / REFERENCE_UNIT_US);
  let previous = referenceTime * REFERENCE_UNIT_US;
  const statuses: Status[] = [];
  const deltas: number[] = [];
  for (const arrival of arrivalsUs) {
    if (arrival === undefined) {
      statuses.push(Status.NotReceived);
      continue;
    }
    const delta = Math.max(-0x8000, Math.min(0x7fff, Math.round((arrival - previous) / DELTA_UNIT_US)));
    previous += delta * DELTA_UNIT_US;
    statuses.push(delta >= 0 && delta <= 0xff ? Status.SmallDelta : Status.LargeDelta);
    deltas.push(delta);
  }
  const chunks = encodeChunks(statuses);
  let deltaBytes = 0;
  for (const s of statuses) deltaBytes += s === Status.SmallDelta ? 1 : s === Status.LargeDelta ? 2 : 0;
  const unpadded = 20 + chunks.length * 2 + deltaBytes;
  const padding = (4 - (unpadded % 4)) % 4;
  const out = Buffer.alloc(unpadded + padding);
  out[0] = 0x80 | (padding > 0 ? 0x20 : 0) | FMT_TWCC;
  out[1] = RTPFB;
  out.writeUInt16BE(out.length / 4 - 1, 2);
  out.writeUInt32BE(feedback.senderSsrc >>> 0, 4);
  out.writeUInt32BE(feedback.mediaSsrc >>> 0, 8);
  out.writeUInt16BE(feedback.baseSequence & 0xffff, 12);
  out.writeUInt16BE(arrivalsUs.length, 14);
  out.writeUIntBE(referenceTime & 0xffffff, 16, 3);
  out[19] = feedback.feedbackCount & 0xff;
  let at = 20;
  for (const chunk of chunks) at = out.writeUInt16BE(chunk, at);
  let d = 0;
  for (const s of statuses) {
    if (s === Status.NotReceived) continue;
    const delta = deltas[d++] ?? 0;
    at = s === Status.SmallDelta ? out.writeUInt8(delta, at) : out.writeInt16BE(delta, at);
  }
  if (padding > 0) out[out.length - 1] = padding;
  return out;
}

/** Run-length chunks for runs of 7 or more equal statuses, two-bit status vector chunks (7 symbols) otherwise. */
function encodeChunks(statuses: readonly Status[]): number[] {
  const chunks: number[] = [];
  let i = 0;
  while (i < statuses.length) {
    const status = statuses[i] ?? Status.NotReceived;
    let run = 1;
    while (i + run < statuses.length && statuses[i + run] === status && run < MAX_RUN_LENGTH) run += 1;
    if (run >= 7) {
      chunks.push((status << 13) | run);
      i += run;
      continue;
    }
    let chunk = 0xc000;
    for (let k = 0; k < 7; k++) chunk |= (statuses[i + k] ?? Status.NotReceived) << (12 - 2 * k);
    chunks.push(chunk);
    i += 7;
  }
  return chunks;
}

/** How often the generator reports (JVB: at least 100 ms apart, or 20 ms after a marker packet). */
export const TWCC_FEEDBACK_INTERVAL_MS = 50;

/** abs-send-time: 24 bits of 6.18 fixed-point seconds, wrapping every 64 s. */
const ABS_SEND_TIME_WRAP = 1 << 24;
const ABS_SEND_TIME_UNITS_PER_SECOND = 1 << 18;
/** The smallest arrival-minus-send offset is taken over the current and the previous window of this length. */
export const SEND_OFFSET_WINDOW_US = 5_000_000;

/**
 * Records the arrival of every packet carrying a transport-wide sequence number on one transport and
 * turns them into feedback messages, each covering every sequence number since the previous one (late
 * packets below that are reported lost, like libwebrtc's receiver does).
 */
export class TwccFeedbackGenerator {
  private readonly arrivals = new Map<number, number>();
  private next: number | undefined;
  private highest: number | undefined;
  private lastUnwrapped: number | undefined;
  private lastSendTime: number | undefined;
  private sendTimeUs = 0;
  private offsetWindowStart: number | undefined;
  private offsetMin = Number.POSITIVE_INFINITY;
  private previousOffsetMin = Number.POSITIVE_INFINITY;
  private feedbackCount = 0;
  packetsReported = 0;
  feedbackSent = 0;

  constructor(
    private readonly senderSsrc: number,
    private readonly nowUs: () => number,
  ) {}

  /**
   * Called for each packet as it is handled, with its 16-bit transport-wide sequence number and its
   * 24-bit abs-send-time when it has one.
   */
  record(transportSequenceNumber: number, absSendTime?: number): void {
    const seq = this.unwrap(transportSequenceNumber);
    this.next ??= seq;
    if (seq < this.next || this.arrivals.has(seq)) return;
    this.arrivals.set(seq, absSendTime === undefined ? this.nowUs() : this.networkArrival(absSendTime));
    if (this.highest === undefined || seq > this.highest) this.highest = seq;
  }

  /** The feedback for everything recorded since the last call, or undefined when nothing arrived. */
  takeFeedback(mediaSsrc: number): Buffer | undefined {
    if (this.next === undefined || this.highest === undefined || this.highest < this.next) return undefined;
    const from = Math.max(this.next, this.highest - MAX_PACKETS_PER_FEEDBACK + 1);
    const arrivalsUs: (number | undefined)[] = [];
    for (let seq = from; seq <= this.highest; seq++) arrivalsUs.push(this.arrivals.get(seq));
    this.arrivals.clear();
    this.next = this.highest + 1;
    this.packetsReported += arrivalsUs.length;
    this.feedbackSent += 1;
    return encodeTransportFeedback({ senderSsrc: this.senderSsrc, mediaSsrc, baseSequence: from, arrivalsUs, feedbackCount: this.feedbackCount++ });
  }

  /** The sender's send time (µs, unwrapped) plus the smallest recent arrival-minus-send offset. */
  private networkArrival(absSendTime: number): number {
    const now = this.nowUs();
    if (this.lastSendTime !== undefined) {
      let delta = (absSendTime - this.lastSendTime + ABS_SEND_TIME_WRAP) % ABS_SEND_TIME_WRAP;
      if (delta >= ABS_SEND_TIME_WRAP / 2) delta -= ABS_SEND_TIME_WRAP;
      this.sendTimeUs += (delta * 1_000_000) / ABS_SEND_TIME_UNITS_PER_SECOND;
    } else {
      this.sendTimeUs = (absSendTime * 1_000_000) / ABS_SEND_TIME_UNITS_PER_SECOND;
    }
    this.lastSendTime = absSendTime;
    if (this.offsetWindowStart === undefined || now - this.offsetWindowStart >= SEND_OFFSET_WINDOW_US) {
      this.previousOffsetMin = this.offsetMin;
      this.offsetMin = Number.POSITIVE_INFINITY;
      this.offsetWindowStart = now;
    }
    this.offsetMin = Math.min(this.offsetMin, now - this.sendTimeUs);
    return Math.round(this.sendTimeUs + Math.min(this.offsetMin, this.previousOffsetMin));
  }

  private unwrap(seq: number): number {
    if (this.lastUnwrapped === undefined) {
      this.lastUnwrapped = seq;
      return seq;
    }
    let delta = (seq - this.lastUnwrapped) & 0xffff;
    if (delta >= 0x8000) delta -= 0x10000;
    const unwrapped = this.lastUnwrapped + delta;
    if (unwrapped > this.lastUnwrapped) this.lastUnwrapped = unwrapped;
    return unwrapped;
  }
}
