import { randomBytes } from 'node:crypto';
import { mkdir, open, rename, rm, stat, writeFile } from 'node:fs/promises';
import { homedir, platform } from 'node:os';
import { join } from 'node:path';
import { JltError } from '@jlt/core';
import { drawY4mFrame, y4mBackground, y4mFileBytes, y4mFrameBytes, y4mHeader, type Y4mSpec } from './y4m.js';
import { buildToneWav, wavFileBytes, type WavSpec } from './wav.js';

export interface FakeMediaOptions {
  width: number;
  height: number;
  fps: number;
  /** Defaults to `<os cache>/jlt/media`. */
  cacheDir?: string;
  /** Clip length; Chromium loops the file. Default 2 s, which keeps 1280×720@30 near 83 MB. */
  videoSeconds?: number;
}

export interface FakeMedia {
  videoPath: string;
  audioPath: string;
  /** Whether this call wrote each file (false: it was already in the cache). */
  generated: { video: boolean; audio: boolean };
}

export const FAKE_AUDIO: WavSpec = { sampleRate: 48_000, seconds: 3, frequencyHz: 440 };

export function defaultMediaCacheDir(): string {
  const home = homedir();
  const base =
    platform() === 'darwin' ? join(home, 'Library', 'Caches') : platform() === 'win32' ? join(home, 'AppData', 'Local') : join(home, '.cache');
  return join(base, 'jlt', 'media');
}

async function sizeOf(path: string): Promise<number | undefined> {
  try {
    return (await stat(path)).size;
  } catch {
    return undefined;
  }
}

/** Writes via a unique temp file and rename, so concurrent agents never see half a file. */
async function writeAtomically(path: string, write: (tempPath: string) => Promise<void>): Promise<void> {
  const temp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    await write(temp);
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}

async function writeY4m(path: string, spec: Y4mSpec): Promise<void> {
  const file = await open(path, 'w');
  try {
    await file.write(y4mHeader(spec));
    const background = y4mBackground(spec.width, spec.height);
    const marker = Buffer.from('FRAME\n');
    const frame = Buffer.alloc(y4mFrameBytes(spec.width, spec.height));
    for (let i = 0; i < spec.frames; i++) {
      drawY4mFrame(frame, background, spec.width, spec.height, i, spec.frames);
      await file.write(marker);
      await file.write(frame);
    }
  } finally {
    await file.close();
  }
}

function checkVideo(width: number, height: number, fps: number): void {
  const valid = (n: number) => Number.isInteger(n) && n > 0;
  if (!valid(width) || !valid(height) || !valid(fps) || width % 2 !== 0 || height % 2 !== 0) {
    throw new JltError('INVALID_ARGUMENT', `fake video must have even positive integer width and height and a positive integer fps (got ${width}x${height}@${fps})`, {
      hint: 'Use a resolution such as 1280x720 or 640x360 and fps such as 30.',
    });
  }
}

/** The fake camera file for (width, height, fps), generated once into the cache. */
export async function ensureFakeVideo(options: FakeMediaOptions): Promise<{ path: string; generated: boolean }> {
  const { width, height, fps } = options;
  checkVideo(width, height, fps);
  const dir = options.cacheDir ?? defaultMediaCacheDir();
  await mkdir(dir, { recursive: true });
  const spec: Y4mSpec = { width, height, fps, frames: Math.max(1, Math.round(fps * (options.videoSeconds ?? 2))) };
  const path = join(dir, `video-${width}x${height}-${fps}fps-${spec.frames}f.y4m`);
  // A file of the exact expected size is complete: it only ever appears by rename.
  if ((await sizeOf(path)) === y4mFileBytes(spec)) return { path, generated: false };
  await writeAtomically(path, (temp) => writeY4m(temp, spec));
  return { path, generated: true };
}

/** The fake microphone file (`FAKE_AUDIO`), generated once into the cache. */
export async function ensureFakeAudio(cacheDir: string = defaultMediaCacheDir()): Promise<{ path: string; generated: boolean }> {
  await mkdir(cacheDir, { recursive: true });
  const path = join(cacheDir, `tone-${FAKE_AUDIO.frequencyHz}hz-${FAKE_AUDIO.sampleRate}-${FAKE_AUDIO.seconds}s.wav`);
  if ((await sizeOf(path)) === wavFileBytes(FAKE_AUDIO)) return { path, generated: false };
  await writeAtomically(path, (temp) => writeFile(temp, buildToneWav(FAKE_AUDIO)));
  return { path, generated: true };
}

/** Both fake media files; safe to call from concurrent agents sharing a cache directory. */
export async function ensureFakeMedia(options: FakeMediaOptions): Promise<FakeMedia> {
  checkVideo(options.width, options.height, options.fps);
  const [video, audio] = await Promise.all([ensureFakeVideo(options), ensureFakeAudio(options.cacheDir)]);
  return { videoPath: video.path, audioPath: audio.path, generated: { video: video.generated, audio: audio.generated } };
}
