import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { JltError, fakeVideoSchema } from '@jlt/core';
import { ensureFakeMedia, FAKE_AUDIO } from './fake-media.js';
import { drawY4mFrame, y4mBackground, y4mFileBytes, y4mFrameBytes } from './y4m.js';
import { wavFileBytes } from './wav.js';

const dirs: string[] = [];
async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'jlt-media-'));
  dirs.push(dir);
  return dir;
}
afterAll(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

describe('ensureFakeMedia', () => {
  it('writes a y4m whose header, size and frames are right and whose frames differ', async () => {
    const cacheDir = await tempDir();
    const media = await ensureFakeMedia({ width: 64, height: 48, fps: 10, cacheDir, videoSeconds: 1 });
    const bytes = await readFile(media.videoPath);
    const header = 'YUV4MPEG2 W64 H48 F10:1 Ip A1:1 C420jpeg\n';
    expect(bytes.subarray(0, header.length).toString('ascii')).toBe(header);
    expect(bytes.length).toBe(y4mFileBytes({ width: 64, height: 48, fps: 10, frames: 10 }));
    const frameLen = 6 + y4mFrameBytes(64, 48);
    const frameAt = (i: number) => bytes.subarray(header.length + i * frameLen, header.length + (i + 1) * frameLen);
    for (let i = 0; i < 10; i++) expect(frameAt(i).subarray(0, 6).toString('ascii')).toBe('FRAME\n');
    const lumas = [0, 1, 5, 9].map((i) => frameAt(i).subarray(6, 6 + 64 * 48).toString('hex'));
    expect(new Set(lumas).size).toBe(lumas.length);
  });

  it('writes a 16-bit 48 kHz mono PCM wav with a non-silent tone', async () => {
    const media = await ensureFakeMedia({ width: 64, height: 48, fps: 10, cacheDir: await tempDir() });
    const wav = await readFile(media.audioPath);
    expect(wav.length).toBe(wavFileBytes(FAKE_AUDIO));
    expect(wav.subarray(0, 4).toString('ascii')).toBe('RIFF');
    expect(wav.subarray(8, 16).toString('ascii')).toBe('WAVEfmt ');
    expect(wav.readUInt16LE(20)).toBe(1);
    expect(wav.readUInt16LE(22)).toBe(1);
    expect(wav.readUInt32LE(24)).toBe(48_000);
    expect(wav.readUInt16LE(34)).toBe(16);
    expect(wav.readUInt32LE(40)).toBe(wav.length - 44);
    let peak = 0;
    for (let i = 44; i < wav.length; i += 2) peak = Math.max(peak, Math.abs(wav.readInt16LE(i)));
    expect(peak).toBeGreaterThan(8000);
  });

  it('reuses cached files and regenerates a file of the wrong size', async () => {
    const cacheDir = await tempDir();
    const first = await ensureFakeMedia({ width: 32, height: 32, fps: 5, cacheDir });
    expect(first.generated).toEqual({ video: true, audio: true });
    const mtime = (await stat(first.videoPath)).mtimeMs;
    const second = await ensureFakeMedia({ width: 32, height: 32, fps: 5, cacheDir });
    expect(second).toEqual({ ...first, generated: { video: false, audio: false } });
    expect((await stat(first.videoPath)).mtimeMs).toBe(mtime);
    const { writeFile } = await import('node:fs/promises');
    await writeFile(first.videoPath, 'truncated');
    const third = await ensureFakeMedia({ width: 32, height: 32, fps: 5, cacheDir });
    expect(third.generated).toEqual({ video: true, audio: false });
  });

  it('gives concurrent callers complete files', async () => {
    const cacheDir = await tempDir();
    const results = await Promise.all([1, 2, 3].map(() => ensureFakeMedia({ width: 96, height: 64, fps: 15, cacheDir })));
    const expected = y4mFileBytes({ width: 96, height: 64, fps: 15, frames: 30 });
    for (const r of results) expect((await stat(r.videoPath)).size).toBe(expected);
  });

  it.each([
    [63, 48, 10],
    [64, 0, 10],
    [64, 48, 0],
    [64.5, 48, 10],
  ])('rejects %ix%i@%i with a JltError', async (width, height, fps) => {
    await expect(ensureFakeMedia({ width, height, fps, cacheDir: await tempDir() })).rejects.toBeInstanceOf(JltError);
  });
});

describe('fake video for every size the scenario schema accepts', () => {
  const widths = [16, 34, 176, 320, 426, 480, 640, 854, 1280, 1920];
  const heights = [18, 36, 144, 180, 240, 270, 360, 480, 540, 600, 720, 1080];

  // Heights such as 240, 270 and 600 once drew at half-pixel offsets and threw while writing.
  it.each(widths.flatMap((width) => heights.map((height) => [width, height] as const)))('draws %ix%i', (width, height) => {
    expect(fakeVideoSchema.safeParse({ width, height, fps: 30 }).success).toBe(true);
    const background = y4mBackground(width, height);
    const frame = Buffer.alloc(y4mFrameBytes(width, height));
    const drawn = [0, 7, 29].map((index) => {
      drawY4mFrame(frame, background, width, height, index, 30);
      return Buffer.from(frame);
    });
    expect(new Set(drawn.map((f) => f.toString('base64'))).size).toBe(3);
  });

  it.each([
    [2, 2],
    [4, 6],
    [2, 1080],
    [1920, 2],
  ])('draws a frame too small for the counter, %ix%i, clipped', (width, height) => {
    expect(fakeVideoSchema.safeParse({ width, height, fps: 30 }).success).toBe(true);
    const frame = Buffer.alloc(y4mFrameBytes(width, height));
    expect(() => drawY4mFrame(frame, y4mBackground(width, height), width, height, 3, 30)).not.toThrow();
    expect(frame.length).toBe(y4mFrameBytes(width, height));
  });

  it('writes the file for a size that used to fail (426x240)', async () => {
    const video = await ensureFakeMedia({ width: 426, height: 240, fps: 5, cacheDir: await tempDir(), videoSeconds: 1 });
    expect((await stat(video.videoPath)).size).toBe(y4mFileBytes({ width: 426, height: 240, fps: 5, frames: 5 }));
  });

  it.each([
    [241, 'must be even'],
    [16_384, 'must be at most 16382'],
    [0, 'at least 2'],
  ])('the schema refuses height %i (%s)', (height, reason) => {
    const result = fakeVideoSchema.safeParse({ width: 640, height, fps: 30 });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toContain(reason);
  });
});
