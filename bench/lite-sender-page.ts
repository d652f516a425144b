/**
 * The experimental lite sender of bench/shared-encoder.ts, not built into the bots because it saves
 * no CPU (bench/README.md, "Shared encoder for lite senders"). The camera the page gets is a still
 * picture at the media profile's size and frame rate, which Chromium's own simulcast encoder turns into the same layers, RTP timestamps, VP8
 * payload descriptors (picture ids, TL0PICIDX, temporal indexes) and keyframes-on-request as a full
 * sender's, for little work (a still picture encodes to near-empty frames). An encoded-frame
 * transform (RTCRtpScriptTransform) on the video sender then replaces each encoded frame's payload
 * with the next frame of a clip encoded once per agent and media profile (`encodeSenderClip`), so
 * the bytes on the wire, and what the receivers decode, are a real camera's VP8 at the layer's
 * resolution and bitrate.
 *
 * Mapping, per outgoing stream (SSRC): an own keyframe starts the clip of the same resolution at its
 * keyframe; every own delta takes the clip's next frame; at the clip's end the next own frame takes
 * the clip's keyframe again (the receiver and the bridge see a keyframe: VP8 marks keyframes in the
 * payload). The clip is encoded with the temporal structure Chromium's simulcast uses (L1T3) and a
 * length that is a multiple of its pattern, so clip frames line up with the own encoder's temporal
 * indexes and a bridge that drops upper temporal layers leaves a decodable stream. A stream with no
 * clip of its resolution passes its own frames through.
 *
 * The page-side functions below are serialized with `Function.prototype.toString`: they must stay
 * self-contained (no imports or module-scope helpers at run time).
 */
import { cameraSimulcastEncodings } from '../packages/jitsi/dist/index.js';
import type { BrowserContext } from './playwright.js';

/** One encoded frame of a clip: VP8 payload (base64), keyframe or not, temporal layer id. */
export interface ClipFrame {
  key: boolean;
  temporal: number;
  data: string;
}

/** A clip for one simulcast layer: resolution, target bitrate and frames (keyframe first). */
export interface ClipLayer {
  width: number;
  height: number;
  bitrate: number;
  frames: ClipFrame[];
}

export interface SenderClip {
  /** The capture the clip stands in for: the still camera's size and rate. */
  width: number;
  height: number;
  fps: number;
  layers: ClipLayer[];
}

export interface ClipRequest {
  /** Capture (fake camera) size and rate: the clip's source. */
  width: number;
  height: number;
  fps: number;
  /** Layers to encode, e.g. Jitsi's simulcast encodings for this capture. */
  layers: { width: number; height: number; bitrate: number }[];
  /** Frames per layer; rounded up to a multiple of the temporal pattern (4). */
  frames: number;
  timeoutMs: number;
}

/** What the sender transform counted, summed over the page's video senders. */
export interface LiteSendTotals {
  streams: number;
  /** Own frames whose payload was replaced by a clip frame. */
  substituted: number;
  /** Own frames sent as they came (no clip of their resolution, or no keyframe seen yet). */
  passedThrough: number;
  ownKeyframes: number;
  /** Clip restarts at its end (a keyframe the own encoder did not make). */
  loops: number;
  /** Substituted frames whose clip temporal id differs from the own frame's temporal index. */
  temporalMismatches: number;
  bytesIn: number;
  bytesOut: number;
  /** `RTCRtpScriptTransform` could not be attached (the sender sends the still picture). */
  untransformed: number;
}

export const LITE_SENDER_GLOBAL = '__jltLiteSender';

/**
 * Runs in a page of the agent's browser: encodes `request.frames` frames of the fake camera once per
 * layer with WebCodecs (VP8, L1T3, constant bitrate, realtime), each layer from the camera frame
 * scaled on an OffscreenCanvas, and returns the clips.
 */
export async function encodeSenderClip(request: ClipRequest): Promise<SenderClip> {
  const pattern = 4;
  const frames = Math.ceil(request.frames / pattern) * pattern;
  const toBase64 = (bytes: Uint8Array): string => {
    let s = '';
    for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
    return btoa(s);
  };
  const stream = await navigator.mediaDevices.getUserMedia({
    video: { width: { exact: request.width }, height: { exact: request.height }, frameRate: { ideal: request.fps } },
  });
  const track = stream.getVideoTracks()[0];
  if (track === undefined) throw new Error('the fake camera gave no video track');
  const Processor = (window as unknown as { MediaStreamTrackProcessor?: new (init: { track: MediaStreamTrack }) => { readable: ReadableStream<VideoFrame> } }).MediaStreamTrackProcessor;
  if (Processor === undefined) throw new Error('MediaStreamTrackProcessor is not available');
  const reader = new Processor({ track }).readable.getReader();
  const layers: ClipLayer[] = [];
  const errors: string[] = [];
  const encoders = request.layers.map((l) => {
    const layer: ClipLayer = { width: l.width, height: l.height, bitrate: l.bitrate, frames: [] };
    layers.push(layer);
    const canvas = new OffscreenCanvas(l.width, l.height);
    const context = canvas.getContext('2d');
    if (context === null) throw new Error('no 2d context on an OffscreenCanvas');
    const encoder = new VideoEncoder({
      output: (chunk, metadata) => {
        const bytes = new Uint8Array(chunk.byteLength);
        chunk.copyTo(bytes);
        layer.frames.push({ key: chunk.type === 'key', temporal: (metadata as { svc?: { temporalLayerId?: number } } | undefined)?.svc?.temporalLayerId ?? 0, data: toBase64(bytes) });
      },
      error: (e) => void errors.push(String(e)),
    });
    encoder.configure({
      codec: 'vp8',
      width: l.width,
      height: l.height,
      bitrate: l.bitrate,
      framerate: request.fps,
      bitrateMode: 'constant',
      latencyMode: 'realtime',
      scalabilityMode: 'L1T3',
    });
    return { encoder, canvas, context };
  });
  const deadline = performance.now() + request.timeoutMs;
  try {
    for (let i = 0; i < frames; i++) {
      if (performance.now() > deadline) throw new Error(`the clip took longer than ${request.timeoutMs} ms (${i} of ${frames} frames)`);
      const { value: frame, done } = await reader.read();
      if (done || frame === undefined) throw new Error('the fake camera stopped');
      const timestamp = Math.round((i * 1e6) / request.fps);
      for (const e of encoders) {
        e.context.drawImage(frame, 0, 0, e.canvas.width, e.canvas.height);
        const scaled = new VideoFrame(e.canvas, { timestamp });
        e.encoder.encode(scaled, { keyFrame: i === 0 });
        scaled.close();
      }
      frame.close();
    }
    await Promise.all(encoders.map((e) => e.encoder.flush()));
  } finally {
    for (const e of encoders) if (e.encoder.state !== 'closed') e.encoder.close();
    await reader.cancel().catch(() => undefined);
    track.stop();
  }
  if (errors.length > 0) throw new Error(`VideoEncoder: ${errors.join('; ')}`);
  for (const layer of layers) {
    if (layer.frames.length !== frames || layer.frames[0]?.key !== true || layer.frames.slice(1).some((f) => f.key)) {
      throw new Error(`clip ${layer.width}x${layer.height}: ${layer.frames.length} of ${frames} frames, keyframes at ${layer.frames.flatMap((f, i) => (f.key ? [i] : [])).join(',')} (want one, first)`);
    }
  }
  return { width: request.width, height: request.height, fps: request.fps, layers };
}

interface WorkerConfig {
  reportEveryMs: number;
}

/** Worker side: the frame substitution described at the top of this file. */
function liteSenderWorker(config: WorkerConfig): void {
  interface Frame {
    key: boolean;
    temporal: number;
    data: ArrayBuffer;
  }
  interface Layer {
    width: number;
    height: number;
    frames: Frame[];
  }
  interface EncodedFrame {
    type: string;
    data: ArrayBuffer;
    getMetadata(): { synchronizationSource?: number; temporalIndex?: number; width?: number; height?: number };
  }
  interface TransformEvent {
    transformer: { readable: ReadableStream<EncodedFrame>; writable: WritableStream<EncodedFrame> };
  }
  interface Stream {
    layer: Layer | undefined;
    next: number;
  }
  const scope = self as unknown as {
    onrtctransform: (event: TransformEvent) => void;
    onmessage: (event: MessageEvent<{ layers: Layer[] }>) => void;
    postMessage(message: unknown): void;
  };
  let layers: Layer[] = [];
  const totals = { streams: 0, substituted: 0, passedThrough: 0, ownKeyframes: 0, loops: 0, temporalMismatches: 0, bytesIn: 0, bytesOut: 0 };
  scope.onmessage = (event) => {
    layers = event.data.layers;
  };
  scope.onrtctransform = (event) => {
    totals.streams++;
    const streams = new Map<number, Stream>();
    const transform = new TransformStream<EncodedFrame, EncodedFrame>({
      transform(frame, controller) {
        const own = frame.data;
        const metadata = frame.getMetadata();
        const ssrc = metadata.synchronizationSource ?? 0;
        let stream = streams.get(ssrc);
        if (stream === undefined) {
          stream = { layer: undefined, next: 0 };
          streams.set(ssrc, stream);
        }
        totals.bytesIn += own.byteLength;
        if (frame.type === 'key') {
          totals.ownKeyframes++;
          // RFC 6386 9.1: a keyframe's 14-bit width and height follow the start code.
          const head = new Uint8Array(own, 0, Math.min(10, own.byteLength));
          const width = ((head[6] ?? 0) | ((head[7] ?? 0) << 8)) & 0x3fff;
          const height = ((head[8] ?? 0) | ((head[9] ?? 0) << 8)) & 0x3fff;
          stream.layer = layers.find((l) => l.width === width && l.height === height);
          stream.next = 0;
        }
        const layer = stream.layer;
        if (layer === undefined) {
          totals.passedThrough++;
          totals.bytesOut += own.byteLength;
          controller.enqueue(frame);
          return;
        }
        if (stream.next >= layer.frames.length) {
          stream.next = 0;
          totals.loops++;
        }
        const clip = layer.frames[stream.next] as Frame;
        stream.next++;
        if (metadata.temporalIndex !== undefined && metadata.temporalIndex !== clip.temporal) totals.temporalMismatches++;
        // The frame takes ownership of the buffer it is given: a copy per frame.
        frame.data = clip.data.slice(0);
        totals.substituted++;
        totals.bytesOut += clip.data.byteLength;
        controller.enqueue(frame);
      },
    });
    void event.transformer.readable.pipeThrough(transform).pipeTo(event.transformer.writable).catch(() => undefined);
  };
  setInterval(() => scope.postMessage(totals), config.reportEveryMs);
}

interface PageConfig {
  global: string;
  workerSource: string;
  clip: SenderClip;
}

/**
 * Page side, before any app script: `getUserMedia` returns the still camera (plus the real fake
 * microphone), and every video sender gets the substituting transform.
 */
function installLiteSender(config: PageConfig): void {
  const w = window as unknown as Record<string, unknown>;
  if (w[config.global] !== undefined) return;
  const Transform = w.RTCRtpScriptTransform as (new (worker: Worker, options?: unknown) => RTCRtpScriptTransform) | undefined;
  const Generator = w.MediaStreamTrackGenerator as (new (init: { kind: string }) => MediaStreamTrack & { writable: WritableStream<VideoFrame> }) | undefined;
  let latest: Omit<LiteSendTotals, 'untransformed'> = { streams: 0, substituted: 0, passedThrough: 0, ownKeyframes: 0, loops: 0, temporalMismatches: 0, bytesIn: 0, bytesOut: 0 };
  let untransformed = 0;
  w[config.global] = { totals: (): LiteSendTotals => ({ ...latest, untransformed }) };
  const fromBase64 = (s: string): ArrayBuffer => {
    const text = atob(s);
    const bytes = new Uint8Array(text.length);
    for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
    return bytes.buffer;
  };
  let worker: Worker | undefined;
  const workerOnce = (): Worker => {
    if (worker !== undefined) return worker;
    worker = new Worker(URL.createObjectURL(new Blob([config.workerSource], { type: 'text/javascript' })));
    worker.onmessage = (event: MessageEvent<typeof latest>) => {
      latest = event.data;
    };
    const layers = config.clip.layers.map((l) => ({ width: l.width, height: l.height, frames: l.frames.map((f) => ({ key: f.key, temporal: f.temporal, data: fromBase64(f.data) })) }));
    worker.postMessage({ layers }, layers.flatMap((l) => l.frames.map((f) => f.data)));
    return worker;
  };
  const transformed = new WeakSet<RTCRtpSender>();
  // The transform goes on every video sender as soon as it exists, before any track is set: once
  // another sender of the page (the microphone's) has a track, Chromium 156 delivers no frame to a
  // transform set later on a video sender (measured: 0 frames seen while the encoder made 40, the same
  // set before the audio track: every frame). Lite pages send no video but the still camera.
  const attach = (sender: RTCRtpSender): void => {
    if (transformed.has(sender)) return;
    transformed.add(sender);
    try {
      if (Transform === undefined) throw new Error('RTCRtpScriptTransform is not available');
      sender.transform = new Transform(workerOnce());
    } catch {
      untransformed++;
    }
  };
  const attachVideo = (pc: RTCPeerConnection): void => {
    for (const t of pc.getTransceivers()) if (t.receiver.track.kind === 'video') attach(t.sender);
  };
  const still = (width: number, height: number, fps: number): MediaStreamTrack => {
    if (Generator === undefined) throw new Error('MediaStreamTrackGenerator is not available');
    const track = new Generator({ kind: 'video' });
    const writer = track.writable.getWriter();
    // Flat mid-grey I420: the cheapest picture to encode.
    const buffer = new Uint8Array((width * height * 3) / 2).fill(128);
    const base = new VideoFrame(buffer, { format: 'I420', codedWidth: width, codedHeight: height, timestamp: 0 });
    const started = performance.now();
    const timer = setInterval(() => {
      if (track.readyState === 'ended') {
        clearInterval(timer);
        base.close();
        return;
      }
      const frame = new VideoFrame(base, { timestamp: Math.round((performance.now() - started) * 1000) });
      void writer.write(frame).catch(() => clearInterval(timer));
    }, 1000 / fps);
    const settings = track.getSettings.bind(track);
    track.getSettings = () => ({ ...settings(), width, height, frameRate: fps });
    return track;
  };
  const media = navigator.mediaDevices;
  const getUserMedia = media.getUserMedia.bind(media);
  media.getUserMedia = async (constraints?: MediaStreamConstraints): Promise<MediaStream> => {
    if (constraints?.video === undefined || constraints.video === false) return getUserMedia(constraints);
    const audio = constraints.audio === undefined || constraints.audio === false ? [] : (await getUserMedia({ audio: constraints.audio })).getAudioTracks();
    return new MediaStream([...audio, still(config.clip.width, config.clip.height, config.clip.fps)]);
  };
  // Called with .call(this) on the connection it was taken from.
  // eslint-disable-next-line @typescript-eslint/unbound-method
  const setRemoteDescription: (this: RTCPeerConnection, description: RTCSessionDescriptionInit) => Promise<void> = RTCPeerConnection.prototype.setRemoteDescription;
  RTCPeerConnection.prototype.setRemoteDescription = async function (this: RTCPeerConnection, description: RTCSessionDescriptionInit) {
    await setRemoteDescription.call(this, description);
    attachVideo(this);
  };
  // Called with .call(this) on the connection it was taken from.
  // eslint-disable-next-line @typescript-eslint/unbound-method
  const addTrack = RTCPeerConnection.prototype.addTrack;
  RTCPeerConnection.prototype.addTrack = function (this: RTCPeerConnection, track: MediaStreamTrack, ...streams: MediaStream[]) {
    const sender = addTrack.call(this, track, ...streams);
    attachVideo(this);
    return sender;
  };
  // Called with .call(this) on the connection it was taken from.
  // eslint-disable-next-line @typescript-eslint/unbound-method
  const addTransceiver = RTCPeerConnection.prototype.addTransceiver;
  RTCPeerConnection.prototype.addTransceiver = function (this: RTCPeerConnection, trackOrKind: MediaStreamTrack | string, init?: RTCRtpTransceiverInit) {
    const transceiver = addTransceiver.call(this, trackOrKind, init);
    attachVideo(this);
    return transceiver;
  };
}

export const DEFAULT_LITE_SENDER_WORKER: WorkerConfig = { reportEveryMs: 500 };

/** The init script of a lite bot's send side, carrying the clip it sends. */
export function liteSenderScript(clip: SenderClip, worker: WorkerConfig = DEFAULT_LITE_SENDER_WORKER): string {
  const workerSource = `(${liteSenderWorker.toString()})(${JSON.stringify(worker)});`;
  const config: PageConfig = { global: LITE_SENDER_GLOBAL, workerSource, clip };
  return `(${installLiteSender.toString()})(${JSON.stringify(config)});`;
}

/** Seconds of camera a clip holds: it loops (a keyframe) this often per layer. */
export const CLIP_SECONDS = 8;

/** The clip request for a capture: Jitsi Meet's simulcast encodings at its height (scale and bitrate). */
export function clipRequestFor(video: { width: number; height: number; fps: number }, seconds: number = CLIP_SECONDS): ClipRequest {
  const layers = cameraSimulcastEncodings(video.height).map((e) => ({
    width: Math.round(video.width / e.scaleResolutionDownBy),
    height: Math.round(video.height / e.scaleResolutionDownBy),
    bitrate: e.maxBitrate,
  }));
  // The camera delivers in real time: the encode takes `seconds`, bounded at three times that.
  return { ...video, layers, frames: Math.round(seconds * video.fps), timeoutMs: seconds * 3_000 + 10_000 };
}

/** A secure origin the agent serves itself (getUserMedia and WebCodecs need one), so no target page loads. */
const CLIP_PAGE_URL = 'https://jlt-clip.invalid/';

/** Encodes a clip in a fresh context of `browser`'s fake camera (the agent's media profile), then closes it. */
export async function encodeClipIn(context: BrowserContext, request: ClipRequest): Promise<SenderClip> {
  try {
    await context.route(`${CLIP_PAGE_URL}**`, (route) => route.fulfill({ contentType: 'text/html', body: '<!doctype html><title>jlt clip</title>' }));
    const page = await context.newPage();
    await page.goto(CLIP_PAGE_URL);
    return await page.evaluate(encodeSenderClip, request);
  } finally {
    await context.close().catch(() => undefined);
  }
}
