import WebSocket from 'ws';

/** A raw signalling client for tests: collects every server message, bounded waits. */
export class SignallingClient {
  readonly messages: Record<string, unknown>[] = [];
  closeCode: number | undefined;
  private readonly socket: WebSocket;

  private constructor(socket: WebSocket) {
    this.socket = socket;
    socket.on('message', (data: Buffer) => {
      this.messages.push(JSON.parse(data.toString('utf8')) as Record<string, unknown>);
    });
    socket.on('close', (code) => {
      this.closeCode = code;
    });
  }

  static async connect(baseUrl: string): Promise<SignallingClient> {
    const socket = new WebSocket(`${baseUrl.replace(/^http/, 'ws')}/xmpp-websocket`);
    socket.on('error', () => undefined);
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
    });
    return new SignallingClient(socket);
  }

  send(raw: string | Record<string, unknown>): void {
    this.socket.send(typeof raw === 'string' ? raw : JSON.stringify(raw));
  }

  /** Waits for the first message (after `from`) of the given type. */
  async next(type: string, timeoutMs = 10_000, from = 0): Promise<Record<string, unknown>> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const found = this.messages.slice(from).find((m) => m.type === type);
      if (found) return found;
      await new Promise((r) => setTimeout(r, 20));
    }
    throw new Error(`no "${type}" message within ${timeoutMs} ms; got ${JSON.stringify(this.messages.map((m) => m.type))}`);
  }

  async closed(timeoutMs = 10_000): Promise<number | undefined> {
    const deadline = Date.now() + timeoutMs;
    while (this.closeCode === undefined && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    return this.closeCode;
  }

  close(): void {
    this.socket.close();
  }

  /** Drops the TCP connection without a closing handshake. */
  terminate(): void {
    this.socket.terminate();
  }
}

export async function getJson(url: string): Promise<Record<string, unknown>> {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`GET ${url}: ${res.status}`);
  return (await res.json()) as Record<string, unknown>;
}

/** Polls `read` until `accept` holds or the deadline passes; returns the last value read. */
export async function pollUntil<T>(read: () => Promise<T>, accept: (value: T) => boolean, timeoutMs: number, intervalMs = 200): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let value = await read();
  while (!accept(value) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, intervalMs));
    value = await read();
  }
  return value;
}
