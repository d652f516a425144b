import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { WebSocket, WebSocketServer } from 'ws';
import { JltError } from '@jlt/core';
import type { MessageChannel } from './channel.js';

/** Above this many buffered bytes `send` waits for the socket to drain: the backpressure point. */
const HIGH_WATER_MARK = 4 * 1024 * 1024;
/** The largest message either side accepts; larger frames close the connection (ws enforces it). */
export const MAX_MESSAGE_BYTES = 16 * 1024 * 1024;

export function channelFromSocket(socket: WebSocket, remoteAddress: string): MessageChannel {
  return {
    remoteAddress,
    async send(text) {
      if (socket.readyState !== WebSocket.OPEN) throw new Error(`connection to ${remoteAddress} is closed`);
      await new Promise<void>((resolve, reject) => socket.send(text, (error) => (error ? reject(error) : resolve())));
      while (socket.bufferedAmount > HIGH_WATER_MARK && socket.readyState === WebSocket.OPEN) {
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    },
    onMessage(handler) {
      socket.on('message', (data: Buffer, isBinary) => handler(isBinary ? new Uint8Array(data) : data.toString('utf8')));
    },
    onClose(handler) {
      let fired = false;
      const fire = (reason: string): void => {
        if (fired) return;
        fired = true;
        handler(reason);
      };
      socket.on('close', (code, reason) => fire(reason.toString() || `connection closed (${code})`));
      socket.on('error', (error) => fire(error.message));
    },
    close(reason = 'closed') {
      socket.close(1000, reason.slice(0, 120));
    },
  };
}

export interface TlsFiles {
  certFile: string;
  keyFile: string;
}

export interface ChannelServer {
  /** `ws://host:port` or `wss://host:port`. */
  readonly url: string;
  close(): Promise<void>;
}

/** Listens for agents; every accepted connection becomes a channel handed to `onChannel`. */
export async function listenForChannels(options: {
  host: string;
  port: number;
  tls?: TlsFiles;
  onChannel: (channel: MessageChannel) => void;
}): Promise<ChannelServer> {
  const server: HttpServer = options.tls
    ? createHttpsServer({ cert: readFileSync(options.tls.certFile), key: readFileSync(options.tls.keyFile) })
    : createHttpServer();
  const wss = new WebSocketServer({ server, maxPayload: MAX_MESSAGE_BYTES });
  wss.on('connection', (socket, request) => {
    const remote = `${request.socket.remoteAddress ?? '?'}:${request.socket.remotePort ?? '?'}`;
    options.onChannel(channelFromSocket(socket, remote));
  });
  server.listen(options.port, options.host);
  try {
    await Promise.race([once(server, 'listening'), once(server, 'error').then(([e]) => Promise.reject(e as Error))]);
  } catch (error) {
    throw new JltError('INVALID_ARGUMENT', `cannot listen on ${options.host}:${options.port}: ${(error as Error).message}`, {
      cause: error,
    });
  }
  const { port } = server.address() as AddressInfo;
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  return {
    url: `${options.tls ? 'wss' : 'ws'}://${host}:${port}`,
    async close() {
      for (const client of wss.clients) client.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Connects to a coordinator; rejects with a clear error when it cannot be reached in time. */
export async function connectChannel(url: string, options: { timeoutMs?: number; caFile?: string } = {}): Promise<MessageChannel> {
  const socket = new WebSocket(url, {
    maxPayload: MAX_MESSAGE_BYTES,
    handshakeTimeout: options.timeoutMs ?? 10_000,
    ...(options.caFile ? { ca: readFileSync(options.caFile) } : {}),
  });
  try {
    await Promise.race([once(socket, 'open'), once(socket, 'error').then(([e]) => Promise.reject(e as Error))]);
  } catch (error) {
    socket.terminate();
    throw new JltError('TARGET_UNREACHABLE', `cannot connect to coordinator ${url}: ${(error as Error).message}`, {
      hint: 'check the --coordinator URL and that `jlt run --listen` is running there',
      cause: error,
    });
  }
  return channelFromSocket(socket, url);
}
