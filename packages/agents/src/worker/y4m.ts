/**
 * A synthetic YUV4MPEG2 (4:2:0, C420jpeg) clip for Chromium's `--use-file-for-fake-video-capture`:
 * a gradient background, a box that moves across the frame and a 7-segment frame counter drawn into
 * the luma plane, so every frame differs and an encoder has real motion to code. Chromium loops it.
 */
export interface Y4mSpec {
  width: number;
  height: number;
  fps: number;
  frames: number;
}

/** Bytes of one frame's planes (Y + U + V) at 4:2:0. */
export function y4mFrameBytes(width: number, height: number): number {
  return width * height + 2 * (width / 2) * (height / 2);
}

export function y4mHeader(spec: Y4mSpec): string {
  return `YUV4MPEG2 W${spec.width} H${spec.height} F${spec.fps}:1 Ip A1:1 C420jpeg\n`;
}

const FRAME_MARKER = 'FRAME\n';

/** Exact file size, used to tell a complete cached file from anything else. */
export function y4mFileBytes(spec: Y4mSpec): number {
  return (
    Buffer.byteLength(y4mHeader(spec)) + spec.frames * (FRAME_MARKER.length + y4mFrameBytes(spec.width, spec.height))
  );
}

// Segments a..g of a 7-segment digit, as bits 0..6: a top, b top-right, c bottom-right, d bottom,
// e bottom-left, f top-left, g middle.
const DIGIT_SEGMENTS = [0x3f, 0x06, 0x5b, 0x4f, 0x66, 0x6d, 0x7d, 0x07, 0x7f, 0x6f] as const;

/** A plane of `width` × `height` bytes at the start of `bytes`; rectangles are clipped to it. */
interface Plane {
  bytes: Buffer;
  width: number;
  height: number;
}

function fillRect(plane: Plane, x: number, y: number, w: number, h: number, value: number): void {
  const left = Math.max(0, x);
  const right = Math.min(plane.width, x + w);
  if (right <= left) return;
  for (let row = Math.max(0, y); row < Math.min(plane.height, y + h); row++) plane.bytes.fill(value, row * plane.width + left, row * plane.width + right);
}

function drawDigit(luma: Plane, x: number, y: number, size: number, digit: number): void {
  const bits = DIGIT_SEGMENTS[digit] ?? 0;
  const t = Math.max(1, Math.floor(size / 5));
  const w = size;
  const h = size;
  const on = 235;
  if (bits & 0x01) fillRect(luma, x, y, w, t, on);
  if (bits & 0x02) fillRect(luma, x + w - t, y, t, h, on);
  if (bits & 0x04) fillRect(luma, x + w - t, y + h, t, h, on);
  if (bits & 0x08) fillRect(luma, x, y + 2 * h - t, w, t, on);
  if (bits & 0x10) fillRect(luma, x, y + h, t, h, on);
  if (bits & 0x20) fillRect(luma, x, y, t, h, on);
  if (bits & 0x40) fillRect(luma, x, y + h - Math.floor(t / 2), w, t, on);
}

/** The static background: a horizontal luma gradient and neutral chroma. Copied into every frame. */
export function y4mBackground(width: number, height: number): Buffer {
  const frame = Buffer.alloc(y4mFrameBytes(width, height), 128);
  for (let x = 0; x < width; x++) frame[x] = 40 + Math.floor((x / width) * 120);
  for (let row = 1; row < height; row++) frame.copy(frame, row * width, 0, width);
  return frame;
}

/**
 * Draws frame `index` into `frame` (which must hold the background). Works for any even width and
 * height: every offset is an integer (chroma offsets are luma offsets halved, so luma ones are even)
 * and every shape is clipped to its plane.
 */
export function drawY4mFrame(frame: Buffer, background: Buffer, width: number, height: number, index: number, frames: number): void {
  background.copy(frame);
  const luma: Plane = { bytes: frame, width, height };
  const cw = width / 2;
  const ch = height / 2;
  const u: Plane = { bytes: frame.subarray(width * height), width: cw, height: ch };
  const v: Plane = { bytes: frame.subarray(width * height + cw * ch), width: cw, height: ch };
  const box = Math.max(2, Math.floor(Math.min(width, height) / 4)) & ~1;
  const travel = width - box;
  const bx = Math.floor(((index % frames) / frames) * travel) & ~1;
  const by = Math.floor((height - box) / 2) & ~1;
  fillRect(luma, bx, by, box, box, 220);
  fillRect(u, bx / 2, by / 2, box / 2, box / 2, 60);
  fillRect(v, bx / 2, by / 2, box / 2, box / 2, 200);

  const digitSize = Math.max(4, Math.floor(height / 18));
  const half = Math.floor(digitSize / 2);
  const digits = String(index).padStart(4, '0');
  fillRect(luma, 0, 0, digitSize + digits.length * (digitSize + half + 1), 2 * digitSize + digitSize + half, 16);
  for (let i = 0; i < digits.length; i++) drawDigit(luma, half + i * (digitSize + half), half, digitSize, Number(digits[i]));
}
