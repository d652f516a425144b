import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';

/**
 * A strict local implementation of InfluxDB 2's write endpoint (`POST /api/v2/write`) for tests,
 * since no InfluxDB 2 can be installed here: `Authorization: Token …`, `org` and `bucket` that must
 * exist, `precision` (ns default), `Content-Encoding: gzip`, a body limit (413), and a line-protocol
 * parser with InfluxDB's escaping rules that refuses what InfluxDB refuses (400), including a field
 * whose type changes. Tests queue answers (429 with Retry-After, 503, …) with `failNext`.
 */
export interface Point {
  measurement: string;
  tags: Record<string, string>;
  fields: Record<string, number | bigint | string | boolean>;
  /** Nanoseconds since the epoch. */
  time: bigint;
}

export interface WriteRequestRecord {
  status: number;
  precision: string;
  gzip: boolean;
  /** The decoded line protocol as sent. */
  body: string;
}

export interface InfluxWriteServer {
  url: string;
  points: Point[];
  requests: WriteRequestRecord[];
  /** The next requests get these answers instead of being processed. */
  failNext(...answers: { status: number; retryAfter?: number; body?: string }[]): void;
  /** Accept connections but never answer (a hung server) from now on. */
  hang(): void;
  close(): Promise<void>;
}

const PRECISION_NS: Record<string, bigint> = { ns: 1n, us: 1_000n, ms: 1_000_000n, s: 1_000_000_000n };

export async function startInfluxWriteServer(options: { token: string; org: string; buckets: string[]; maxBodyBytes?: number }): Promise<InfluxWriteServer> {
  const points: Point[] = [];
  const requests: WriteRequestRecord[] = [];
  const queued: { status: number; retryAfter?: number; body?: string }[] = [];
  const fieldTypes = new Map<string, string>();
  let hanging = false;
  const maxBodyBytes = options.maxBodyBytes ?? 10 * 1024 * 1024;

  const server: Server = createServer((request, response) => {
    if (hanging) return;
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      chunks.push(chunk);
    });
    request.on('end', () => handle(request, response, Buffer.concat(chunks), size));
  });

  function answer(response: ServerResponse, status: number, code: string, message: string, headers: Record<string, string> = {}): number {
    response.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify({ code, message }));
    return status;
  }

  function handle(request: IncomingMessage, response: ServerResponse, raw: Buffer, size: number): void {
    const url = new URL(request.url ?? '/', 'http://localhost');
    const gzip = request.headers['content-encoding'] === 'gzip';
    const record: WriteRequestRecord = { status: 0, precision: url.searchParams.get('precision') ?? 'ns', gzip, body: '' };
    requests.push(record);
    const fault = queued.shift();
    if (fault !== undefined) {
      record.status = answer(response, fault.status, 'fault', fault.body ?? 'injected', fault.retryAfter === undefined ? {} : { 'retry-after': String(fault.retryAfter) });
      return;
    }
    if (request.method !== 'POST' || url.pathname !== '/api/v2/write') {
      record.status = answer(response, 404, 'not found', 'path not found');
      return;
    }
    if (request.headers.authorization !== `Token ${options.token}`) {
      record.status = answer(response, 401, 'unauthorized', 'unauthorized access');
      return;
    }
    const org = url.searchParams.get('org');
    const bucket = url.searchParams.get('bucket');
    if (org === null || bucket === null) {
      record.status = answer(response, 400, 'invalid', 'org and bucket are required');
      return;
    }
    if (org !== options.org) {
      record.status = answer(response, 404, 'not found', `organization name "${org}" not found`);
      return;
    }
    if (!options.buckets.includes(bucket)) {
      record.status = answer(response, 404, 'not found', `bucket "${bucket}" not found`);
      return;
    }
    const unit = PRECISION_NS[record.precision];
    if (unit === undefined) {
      record.status = answer(response, 400, 'invalid', `invalid precision "${record.precision}"; must be ns, us, ms or s`);
      return;
    }
    const encoding = request.headers['content-encoding'];
    if (encoding !== undefined && encoding !== 'gzip' && encoding !== 'identity') {
      record.status = answer(response, 415, 'unsupported media type', `unsupported content encoding "${encoding}"`);
      return;
    }
    let body: Buffer;
    try {
      body = gzip ? gunzipSync(raw, { maxOutputLength: maxBodyBytes + 1 }) : raw;
    } catch {
      record.status = answer(response, size > maxBodyBytes ? 413 : 400, size > maxBodyBytes ? 'request too large' : 'invalid', 'cannot decompress the body');
      return;
    }
    if (body.length > maxBodyBytes || size > maxBodyBytes) {
      record.status = answer(response, 413, 'request too large', `body exceeds ${maxBodyBytes} bytes`);
      return;
    }
    record.body = body.toString('utf8');
    const parsed: Point[] = [];
    const lines = record.body.split('\n');
    for (let index = 0; index < lines.length; index++) {
      const line = lines[index]!;
      if (line.trim() === '' || line.startsWith('#')) continue;
      try {
        const point = parseLine(line, unit);
        for (const [field, value] of Object.entries(point.fields)) {
          const key = `${point.measurement}\u0000${field}`;
          const type = typeof value;
          const known = fieldTypes.get(key);
          if (known !== undefined && known !== type) throw new Error(`field type conflict: input field "${field}" on measurement "${point.measurement}" is type ${type}, already exists as type ${known}`);
          fieldTypes.set(key, type);
        }
        parsed.push(point);
      } catch (error) {
        record.status = answer(response, 400, 'invalid', `unable to parse '${line}': ${(error as Error).message} (line ${index + 1})`);
        return;
      }
    }
    points.push(...parsed);
    record.status = 204;
    response.writeHead(204).end();
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    points,
    requests,
    failNext: (...answers) => queued.push(...answers),
    hang: () => void (hanging = true),
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** One line of line protocol: `measurement[,tag=value…] field=value[,…] [timestamp]`. */
export function parseLine(line: string, unitNs: bigint): Point {
  let at = 0;
  const readUntil = (stops: string, escapable: string): string => {
    let text = '';
    while (at < line.length && !stops.includes(line[at]!)) {
      if (line[at] === '\\' && at + 1 < line.length && escapable.includes(line[at + 1]!)) {
        text += line[at + 1];
        at += 2;
      } else text += line[at++];
    }
    return text;
  };
  const measurement = readUntil(', ', ', ');
  if (measurement === '') throw new Error('missing measurement');
  const tags: Record<string, string> = {};
  while (line[at] === ',') {
    at++;
    const key = readUntil('=, ', ',= ');
    if (line[at] !== '=') throw new Error(`missing tag value for "${key}"`);
    at++;
    const value = readUntil(', ', ',= ');
    if (key === '' || value === '') throw new Error('empty tag key or value');
    tags[key] = value;
  }
  if (line[at] !== ' ') throw new Error('missing fields');
  at++;
  const fields: Point['fields'] = {};
  for (;;) {
    const key = readUntil('=, ', ',= ');
    if (key === '' || line[at] !== '=') throw new Error('invalid field format');
    at++;
    if (line[at] === '"') {
      at++;
      let text = '';
      while (at < line.length && line[at] !== '"') {
        if (line[at] === '\\' && (line[at + 1] === '"' || line[at + 1] === '\\')) {
          text += line[at + 1];
          at += 2;
        } else text += line[at++];
      }
      if (line[at] !== '"') throw new Error('unterminated string field');
      at++;
      fields[key] = text;
    } else {
      const raw = readUntil(', ', '');
      fields[key] = fieldValue(raw);
    }
    if (line[at] === ',') {
      at++;
      continue;
    }
    break;
  }
  let time = 0n;
  if (line[at] === ' ') {
    at++;
    const raw = line.slice(at);
    if (!/^-?\d+$/.test(raw)) throw new Error(`bad timestamp "${raw}"`);
    time = BigInt(raw) * unitNs;
    at = line.length;
  } else if (at !== line.length) throw new Error(`unexpected "${line.slice(at)}"`);
  return { measurement, tags, fields, time };
}

function fieldValue(raw: string): number | bigint | boolean {
  if (/^-?\d+i$/.test(raw)) return BigInt(raw.slice(0, -1));
  if (/^\d+u$/.test(raw)) return BigInt(raw.slice(0, -1));
  if (/^(t|T|true|True|TRUE)$/.test(raw)) return true;
  if (/^(f|F|false|False|FALSE)$/.test(raw)) return false;
  if (/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(raw)) return Number(raw);
  throw new Error(`invalid number "${raw}"`);
}
