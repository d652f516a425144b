import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { JltError } from '@jlt/core';
import { ensureFakeMedia, FAKE_AUDIO } from './fake-media.js';
import { y4mFileBytes, y4mFrameBytes } from './y4m.js';
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
