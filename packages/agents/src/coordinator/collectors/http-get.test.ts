import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DEFAULT_MAX_BODY_BYTES } from '@jlt/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpGetError, httpGet, httpGetText } from './http-get.js';

/** Streams `total` bytes of spaces in 64 KiB chunks, honouring backpressure; counts what it wrote. */
function streamBody(res: ServerResponse, total: number, headers: Record<string, string> = {}): { written: () => number } {
  let written = 0;
  let closed = false;
  res.on('close', () => (closed = true));
  res.writeHead(200, { 'content-type': 'text/plain', ...headers });
  const chunk = Buffer.alloc(64 * 1024, 0x20);
  const pump = (): void => {
    while (!closed && written < total) {
      const part = chunk.subarray(0, Math.min(chunk.length, total - written));
      written += part.length;
      if (!res.write(part)) return void res.once('drain', pump);
    }
    if (!closed) res.end();
  };
  pump();
  return { written: () => written };
}

/** The error, or a short note of what was read: a failed assertion on a many-MiB answer would take the reporter minutes to print. */
function failureOf(answer: Promise<{ body: string }>): Promise<unknown> {
  return answer.then(
    ({ body }) => `read ${body.length} bytes`,
    (error: unknown) => error,
  );
}

let server: Server;
let base: string;
let lastStream: { written: () => number } | undefined;
const bodies = new Map<string, { total: number; headers?: Record<string, string> }>();

beforeAll(async () => {
  server = createServer((req, res) => {
    const body = bodies.get(req.url ?? '');
    if (!body) return void res.writeHead(404).end();
    lastStream = streamBody(res, body.total, body.headers);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

describe('httpGet body limit', () => {
  it('reads a chunked body within the limit whole', async () => {
    bodies.set('/small', { total: 200 * 1024 });
    const text = await httpGetText(`${base}/small`, { signal: AbortSignal.timeout(5000), maxBodyBytes: 256 * 1024 });
    expect(text.length).toBe(200 * 1024);
  });

  it('stops a chunked body without Content-Length once it passes the default 32 MiB', async () => {
    // Bounded at 64 MiB; without the streaming limit the whole of it would be read into memory.
    bodies.set('/huge', { total: 64 * 1024 * 1024 });
    const outcome = await failureOf(httpGet(`${base}/huge`, { signal: AbortSignal.timeout(15_000) }));
    expect(outcome).toBeInstanceOf(HttpGetError);
    expect((outcome as HttpGetError).message).toBe(`GET ${base}/huge: reading the answer failed: body exceeds the limit of ${DEFAULT_MAX_BODY_BYTES} bytes`);
    expect(lastStream!.written()).toBeLessThan(DEFAULT_MAX_BODY_BYTES + 8 * 1024 * 1024);
  });

  it('refuses a declared Content-Length over the limit before reading', async () => {
    bodies.set('/declared', { total: 1024 * 1024, headers: { 'content-length': String(1024 * 1024) } });
    const outcome = await failureOf(httpGet(`${base}/declared`, { signal: AbortSignal.timeout(5000), maxBodyBytes: 64 * 1024 }));
    expect(outcome).toBeInstanceOf(HttpGetError);
    expect((outcome as HttpGetError).message).toMatch(/body of 1048576 bytes exceeds the limit of 65536 bytes$/);
  });
});
