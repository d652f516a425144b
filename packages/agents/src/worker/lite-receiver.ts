/**
 * A lite bot's receive side: every received video frame goes through an encoded-frame transform
 * (RTCRtpScriptTransform) that counts it and hands the decoder a VP8 placeholder instead of the real
 * frame. The placeholder has the real frame's resolution and type (keyframe or not) and decodes to
 * a flat picture for almost no work, so the decoder never fails, never waits for a missing frame and
 * never asks for a keyframe the way a full receiver would not: the PLI/FIR rate, RTCP and bandwidth
 * feedback stay those of a full receiver (RTCP comes from the RTP layer, before the transform).
 *
 * Why not drop frames: measured between two Chromium 156 pages (bench/keyframe-requests.ts), a
 * receiver whose transform drops every frame sends a PLI every ~400 ms and one that passes only
 * keyframes every ~3 s, because the jitter buffer requests a keyframe when nothing decodable arrives
 * for 200 ms (keyframe awaited) or 3 s.
 *
 * Both functions below run in the browser and are serialized with `Function.prototype.toString`:
 * they must stay self-contained (no imports or module-scope helpers at run time).
 */

/** Totals over every video stream the page received, as the transform counted them. */
export interface LiteReceiveTotals {
  /** Received video streams with a transform attached. */
  streams: number;
  /** Video streams the page could not attach a transform to (they decode as a full bot's do). */
  untransformed: number;
  frames: number;
  keyframes: number;
  bytes: number;
  /** Frames replaced by a placeholder (the rest reached the decoder as they came: not VP8, or no keyframe seen yet). */
  placeholders: number;
  /** Sum and count of the frame heights of streams that have delivered a keyframe (their current resolution). */
  heightSum: number;
  heightCount: number;
}

export const LITE_RECEIVER_GLOBAL = '__jltLiteReceiver';

interface WorkerConfig {
  /** Zero bytes per macroblock in the first partition and in the token partition (see `placeholder`). */
  modeBytesPerMb: number;
  tokenBytesPerMb: number;
  reportEveryMs: number;
}

interface PageConfig {
  global: string;
  workerSource: string;
}

/**
 * Worker side. VP8 facts used (RFC 6386): a frame starts with a 3-byte tag (bit 0: 0 = keyframe;
 * bits 1–3 version; bit 4 show_frame; bits 5–23 size of the first partition), a keyframe then has the
 * start code 9d 01 2a and 14-bit width and height. Everything after is boolean-coded, and a boolean
 * decoder fed zero bytes decodes 0 whatever the probability. So a frame whose partitions are zero
 * bytes is a valid frame in which every header flag, every probability update and every quantizer
 * delta is 0, every macroblock takes the first prediction mode of its tree (DC prediction, intra),
 * and every block's first token is end-of-block: no coefficients, no loop filter, nothing that
 * refers to another frame. The partitions must be long enough that the decoder does not read past
 * their end (it reports a corrupt frame then); measured at 640×360, 0.25 and 1 byte per macroblock
 * suffice, and 0.05 and 0.1 fail; the defaults give four times that.
 */
function liteFrameWorker(config: WorkerConfig): void {
  interface StreamCounters {
    frames: number;
    keyframes: number;
    bytes: number;
    placeholders: number;
    width: number;
    height: number;
  }
  interface EncodedFrame {
    type: string;
    data: ArrayBuffer;
    getMetadata(): { mimeType?: string; width?: number; height?: number };
  }
  interface TransformEvent {
    transformer: { options: { id: string }; readable: ReadableStream<EncodedFrame>; writable: WritableStream<EncodedFrame> };
  }
  const scope = self as unknown as { onrtctransform: (event: TransformEvent) => void; postMessage(message: unknown): void };
  const streams: Record<string, StreamCounters> = {};
  scope.onrtctransform = (event) => {
    const transformer = event.transformer;
    const counters: StreamCounters = { frames: 0, keyframes: 0, bytes: 0, placeholders: 0, width: 0, height: 0 };
    streams[transformer.options.id] = counters;
    const transform = new TransformStream<EncodedFrame, EncodedFrame>({
      transform(frame, controller) {
        const data = frame.data;
        const key = frame.type === 'key';
        counters.frames++;
        counters.bytes += data.byteLength;
        const vp8 = frame.getMetadata().mimeType?.toLowerCase() === 'video/vp8';
        if (key) {
          counters.keyframes++;
          const head = new Uint8Array(data, 0, Math.min(10, data.byteLength));
          if (vp8 && head.length === 10 && head[3] === 0x9d && head[4] === 0x01 && head[5] === 0x2a) {
            counters.width = ((head[6] ?? 0) | ((head[7] ?? 0) << 8)) & 0x3fff;
            counters.height = ((head[8] ?? 0) | ((head[9] ?? 0) << 8)) & 0x3fff;
          } else {
            const metadata = frame.getMetadata();
            counters.width = metadata.width ?? 0;
            counters.height = metadata.height ?? 0;
          }
        }
        if (vp8 && counters.width > 0 && counters.height > 0) {
          const macroblocks = Math.ceil(counters.width / 16) * Math.ceil(counters.height / 16);
          const modeBytes = 64 + Math.ceil(macroblocks * config.modeBytesPerMb);
          const headerBytes = key ? 10 : 3;
          // A fresh buffer per frame: the frame takes ownership of the one it is given.
          const out = new Uint8Array(headerBytes + modeBytes + 64 + Math.ceil(macroblocks * config.tokenBytesPerMb));
          const tag = (key ? 0 : 1) | (1 << 4) | (modeBytes << 5);
          out[0] = tag & 0xff;
          out[1] = (tag >> 8) & 0xff;
          out[2] = (tag >> 16) & 0xff;
          if (key) {
            out.set([0x9d, 0x01, 0x2a, counters.width & 0xff, counters.width >> 8, counters.height & 0xff, counters.height >> 8], 3);
          }
          frame.data = out.buffer;
          counters.placeholders++;
        }
        controller.enqueue(frame);
      },
    });
    void transformer.readable.pipeThrough(transform).pipeTo(transformer.writable).catch(() => undefined);
  };
  setInterval(() => scope.postMessage(streams), config.reportEveryMs);
}

/**
 * Page side, before any app script: every RTCPeerConnection gets a transform on each video receiver
 * when its track arrives. Exposes `totals()` under `config.global` for the stats probe.
 */
function installLiteReceiver(config: PageConfig): void {
  const w = window as unknown as Record<string, unknown>;
  if (w[config.global] !== undefined) return;
  const Native = w.RTCPeerConnection as typeof RTCPeerConnection | undefined;
  const Transform = w.RTCRtpScriptTransform as (new (worker: Worker, options: unknown) => RTCRtpScriptTransform) | undefined;
  interface Counters {
    frames: number;
    keyframes: number;
    bytes: number;
    placeholders: number;
    height: number;
  }
  let latest: Record<string, Counters> = {};
  let attached = 0;
  let untransformed = 0;
  const totals = (): LiteReceiveTotals => {
    const t: LiteReceiveTotals = { streams: attached, untransformed, frames: 0, keyframes: 0, bytes: 0, placeholders: 0, heightSum: 0, heightCount: 0 };
    for (const id in latest) {
      const s = latest[id] as Counters;
      t.frames += s.frames;
      t.keyframes += s.keyframes;
      t.bytes += s.bytes;
      t.placeholders += s.placeholders;
      if (s.height > 0) {
        t.heightSum += s.height;
        t.heightCount++;
      }
    }
    return t;
  };
  w[config.global] = { totals };
  if (Native === undefined) return;
  let worker: Worker | undefined;
  const seen = new WeakSet<RTCRtpReceiver>();
  const attach = (receiver: RTCRtpReceiver): void => {
    if (receiver.track.kind !== 'video' || seen.has(receiver)) return;
    seen.add(receiver);
    try {
      if (Transform === undefined) throw new Error('RTCRtpScriptTransform is not available');
      worker ??= new Worker(URL.createObjectURL(new Blob([config.workerSource], { type: 'text/javascript' })));
      worker.onmessage = (event: MessageEvent<Record<string, Counters>>) => {
        latest = event.data;
      };
      receiver.transform = new Transform(worker, { id: String(attached) });
      attached++;
    } catch {
      untransformed++;
    }
  };
  class LitePeerConnection extends Native {
    constructor(configuration?: RTCConfiguration) {
      super(configuration);
      this.addEventListener('track', (event) => attach(event.receiver));
    }
  }
  Object.defineProperty(LitePeerConnection, 'name', { value: 'RTCPeerConnection' });
  w.RTCPeerConnection = LitePeerConnection;
  if (w.webkitRTCPeerConnection !== undefined) w.webkitRTCPeerConnection = LitePeerConnection;
}

export const DEFAULT_LITE_WORKER: WorkerConfig = { modeBytesPerMb: 1, tokenBytesPerMb: 4, reportEveryMs: 500 };

/** The init script of a lite bot's receive side. */
export function liteReceiverScript(worker: WorkerConfig = DEFAULT_LITE_WORKER): string {
  const workerSource = `(${liteFrameWorker.toString()})(${JSON.stringify(worker)});`;
  const config: PageConfig = { global: LITE_RECEIVER_GLOBAL, workerSource };
  return `(${installLiteReceiver.toString()})(${JSON.stringify(config)});`;
}
