/*
 * How Jitsi Meet's client sends camera video over VP8 simulcast, and how it obeys the bridge's sender
 * constraints. Read from lib-jitsi-meet @01daa07c (2026-08-20):
 * - `service/RTC/StandardVideoQualitySettings.ts`: `SIM_LAYERS`, `STANDARD_CODEC_SETTINGS.vp8.maxBitratesVideo`,
 *   `VIDEO_QUALITY_LEVELS` (capture height → quality level);
 * - `modules/RTC/TPCUtils.ts`: `_getVideoStreamEncodings` (three encodings, scale factors and bitrates by
 *   capture level) and `calculateEncodingsActiveState` (which encodings a maxHeight leaves on);
 * - `modules/qualitycontrol/SendVideoController.ts`: a `SenderSourceConstraints` maxHeight of -1 means
 *   `MAX_LOCAL_RESOLUTION` (2160), and the preferred send height (default 2160) caps it.
 *
 * This module imports nothing, so the testbed's meeting page loads its compiled form as it is.
 */

/** One RTCRtpEncodingParameters entry as lib-jitsi-meet configures it for a camera track. */
export interface SimulcastEncoding {
  rid: string;
  scaleResolutionDownBy: number;
  maxBitrate: number;
}

export type CaptureQualityLevel = 'ultraHd' | 'fullHd' | 'high' | 'standard' | 'low' | 'none';

/** `SIM_LAYERS`: rid and scale factor of the low, standard and high simulcast streams. */
export const SIMULCAST_LAYERS: readonly { rid: string; scaleFactor: number }[] = [
  { rid: '1', scaleFactor: 4 },
  { rid: '2', scaleFactor: 2 },
  { rid: '3', scaleFactor: 1 },
];

/** `STANDARD_CODEC_SETTINGS.vp8.maxBitratesVideo` in bps; `config.videoQuality.vp8.maxBitratesVideo` overrides them. */
export const VP8_MAX_BITRATES: Readonly<Record<CaptureQualityLevel | 'ssHigh', number>> = {
  low: 200_000,
  standard: 500_000,
  high: 1_500_000,
  fullHd: 3_000_000,
  ultraHd: 6_000_000,
  ssHigh: 2_500_000,
  none: 0,
};

/** `VIDEO_QUALITY_LEVELS`: the first entry whose height is at most the capture height names its level. */
export const CAPTURE_QUALITY_LEVELS: readonly { height: number; level: CaptureQualityLevel }[] = [
  { height: 2160, level: 'ultraHd' },
  { height: 1080, level: 'fullHd' },
  { height: 720, level: 'high' },
  { height: 540, level: 'standard' },
  { height: 480, level: 'standard' },
  { height: 360, level: 'standard' },
  { height: 270, level: 'low' },
  { height: 180, level: 'low' },
  { height: 90, level: 'low' },
  { height: 0, level: 'none' },
];

/** `MAX_LOCAL_RESOLUTION`: what a maxHeight of -1 (unlimited) stands for on the send side. */
export const MAX_LOCAL_RESOLUTION = 2160;

export function captureQualityLevel(captureHeight: number): CaptureQualityLevel {
  return CAPTURE_QUALITY_LEVELS.find((l) => l.height <= captureHeight)?.level ?? 'none';
}

/**
 * The three VP8 simulcast encodings for a camera captured at `captureHeight`: scale 4/2/1 (12/6/1 at
 * 2160p, 6/3/1 at 1080p) and bitrates low, standard and the capture level's own. Chromium may send
 * fewer streams for small captures (libwebrtc limits 640x360 to two, 320x180 to one), dropping the
 * highest ones.
 */
export function cameraSimulcastEncodings(
  captureHeight: number,
  maxBitrates: Readonly<Partial<Record<CaptureQualityLevel, number>>> = {},
): SimulcastEncoding[] {
  const bitrates = { ...VP8_MAX_BITRATES, ...maxBitrates };
  const level = captureQualityLevel(captureHeight);
  const scale = SIMULCAST_LAYERS.map((l) => l.scaleFactor);
  if (level === 'ultraHd') {
    scale[0] = 12;
    scale[1] = 6;
  } else if (level === 'fullHd') {
    scale[0] = 6;
    scale[1] = 3;
  }
  const maxBitrate = [bitrates.low, bitrates.standard, bitrates[level]];
  return SIMULCAST_LAYERS.map((layer, i) => ({ rid: layer.rid, scaleResolutionDownBy: scale[i] ?? 1, maxBitrate: maxBitrate[i] ?? 0 }));
}

/** The height the sender encodes for: the bridge's maxHeight (-1 = unlimited) capped by the preferred height. */
export function senderMaxHeight(constraintMaxHeight: number, preferredHeight = MAX_LOCAL_RESOLUTION): number {
  const requested = constraintMaxHeight === -1 ? MAX_LOCAL_RESOLUTION : constraintMaxHeight;
  return Math.min(preferredHeight, requested);
}

/**
 * `calculateEncodingsActiveState` for a camera: an encoding is on when its height fits `maxHeight`;
 * the lowest one stays on for any positive maxHeight, and 0 turns every encoding off.
 */
export function encodingsActiveState(captureHeight: number, encodings: readonly SimulcastEncoding[], maxHeight: number): boolean[] {
  const lowest = SIMULCAST_LAYERS[0]?.scaleFactor;
  return encodings.map((e) => maxHeight > 0 && (captureHeight / e.scaleResolutionDownBy <= maxHeight || e.scaleResolutionDownBy === lowest));
}
