import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import type { Logger } from '@jlt/core';
import type { Focus, Participant } from './focus.js';
import { sanitizeRoomName } from './room-name.js';
import { MAX_SIGNALLING_MESSAGE_BYTES, parseClientMessage, type ServerMessage, type SignallingErrorCode } from './signalling-messages.js';

export const SIGNALLING_PATH = '/xmpp-websocket';

/**
 * The focus's WebSocket endpoint. Each connection is one participant: `join` once, then `answer`
 * each offer, send `bridge-channel` messages (receiver constraints) at will, `leave` (or just close). Bad frames get an `error` message and the connection stays
 * up; frames over {@link MAX_SIGNALLING_MESSAGE_BYTES} close it (ws `maxPayload`, code 1009).
 * Whatever way a connection ends, its endpoint is removed from its bridge and conference.
 */
export class SignallingServer {
  private readonly wss: WebSocketServer;

  constructor(
    private readonly focus: Focus,
    private readonly logger: Logger,
  ) {
    this.wss = new WebSocketServer({ noServer: true, maxPayload: MAX_SIGNALLING_MESSAGE_BYTES });
    this.wss.on('connection', (socket) => this.onConnection(socket));
  }

  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    this.wss.handleUpgrade(req, socket, head, (ws) => this.wss.emit('connection', ws, req));
  }

  get connectionCount(): number {
    return this.wss.clients.size;
  }

  async close(): Promise<void> {
    for (const client of this.wss.clients) client.terminate();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
  }

  private onConnection(socket: WebSocket): void {
    let participant: Participant | undefined;
    const send = (message: ServerMessage): void => {
      if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(message));
    };
    const fail = (code: SignallingErrorCode, message: string): void => send({ type: 'error', code, message });
    const leave = (): void => {
      if (!participant) return;
      const p = participant;
      participant = undefined;
      this.focus.leave(p.room, p.endpointId);
    };
    socket.on('message', (data: RawData, isBinary: boolean) => {
      try {
        if (isBinary) return fail('invalid-message', 'binary frames are not accepted; send JSON text');
        const parsed = parseClientMessage(rawToString(data));
        if (!parsed.ok) return fail(parsed.code, parsed.message);
        const message = parsed.message;
        if (message.type === 'join') {
          if (participant) return fail('already-joined', 'this connection already joined a conference');
          const room = sanitizeRoomName(message.room);
          if (!room) return fail('invalid-room', `room name ${JSON.stringify(message.room)} has no usable characters [a-z0-9._-]`);
          participant = this.focus.join({
            room,
            displayName: message.displayName,
            sendAudio: message.sendAudio,
            sendVideo: message.sendVideo,
            region: message.region,
            signal: send,
          });
          return;
        }
        if (!participant) return fail('not-joined', `"${message.type}" before "join"`);
        if (message.type === 'answer') {
          if (!this.focus.answer(participant, message.sdp)) fail('unexpected-answer', 'no offer is waiting for an answer');
          return;
        }
        if (message.type === 'bridge-channel') {
          this.focus.bridgeChannelMessage(participant, message.message);
          return;
        }
        leave();
      } catch (error) {
        this.logger.log('warn', 'testbed: signalling message failed', { error: String(error) });
        fail('internal', 'the focus could not handle this message');
      }
    });
    socket.on('close', leave);
    socket.on('error', (error) => {
      this.logger.log('debug', 'testbed: signalling socket error', { error: error.message });
      leave();
    });
  }
}

function rawToString(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  if (data instanceof ArrayBuffer) return Buffer.from(data).toString('utf8');
  return data.toString('utf8');
}
