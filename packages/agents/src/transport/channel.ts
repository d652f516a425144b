/**
 * A message channel between a coordinator and one agent: ordered, reliable text messages.
 * `send` resolves once the message is handed to the transport and the transport's buffer is below its
 * high-water mark, so a sender that awaits it slows down when the peer or the network is slow.
 * Handlers are called in arrival order; `onClose` fires once, after the last message. A transport
 * that can carry binary frames hands them over as bytes: the protocol has none, so the receiver can
 * reject (and count) them rather than never seeing them.
 */
export interface MessageChannel {
  readonly remoteAddress: string;
  send(text: string): Promise<void>;
  onMessage(handler: (message: string | Uint8Array) => void): void;
  onClose(handler: (reason: string) => void): void;
  close(reason?: string): void;
}

/** Two connected in-memory channels, for an agent that runs inside the coordinator's process. */
export function createChannelPair(): [MessageChannel, MessageChannel] {
  const a = new InMemoryChannel('in-process');
  const b = new InMemoryChannel('in-process');
  a.peer = b;
  b.peer = a;
  return [a, b];
}

class InMemoryChannel implements MessageChannel {
  peer: InMemoryChannel | undefined;
  private messageHandlers: ((message: string | Uint8Array) => void)[] = [];
  private closeHandlers: ((reason: string) => void)[] = [];
  private closed = false;

  constructor(readonly remoteAddress: string) {}

  async send(text: string): Promise<void> {
    if (this.closed) throw new Error('channel closed');
    const peer = this.peer!;
    // Delivered on a later turn so neither side re-enters the other's handler synchronously.
    setImmediate(() => peer.deliver(text));
  }

  onMessage(handler: (message: string | Uint8Array) => void): void {
    this.messageHandlers.push(handler);
  }

  onClose(handler: (reason: string) => void): void {
    this.closeHandlers.push(handler);
  }

  close(reason = 'closed'): void {
    if (this.closed) return;
    this.closed = true;
    setImmediate(() => {
      this.fireClose(reason);
      this.peer?.closeFromPeer(reason);
    });
  }

  private closeFromPeer(reason: string): void {
    if (this.closed) return;
    this.closed = true;
    this.fireClose(reason);
  }

  private deliver(text: string): void {
    if (this.closed) return;
    for (const handler of this.messageHandlers) handler(text);
  }

  private fireClose(reason: string): void {
    for (const handler of this.closeHandlers) handler(reason);
    this.closeHandlers = [];
  }
}
