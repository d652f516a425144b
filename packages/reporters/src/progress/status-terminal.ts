import type { Writable } from '@jlt/core';

/** The stream a StatusTerminal draws on: process.stderr, or a test's recorder. */
export interface TerminalStream {
  write(chunk: string): unknown;
  readonly isTTY?: boolean;
  /** Width in characters, for a terminal; 0 or absent when unknown (a pty without a size). */
  readonly columns?: number;
}

const ESC = '\x1b[';

/**
 * A stream with a status block at its bottom (k6's progress bars): in a terminal, `setStatus`
 * redraws the block in place, and every other write (log lines) goes above it — the block is erased,
 * the text written, the block drawn again, in one write so nothing flickers. Outside a terminal
 * there is no block; `setStatus` does nothing and writes pass straight through.
 */
export class StatusTerminal implements Writable {
  readonly interactive: boolean;
  private status: readonly string[] = [];
  private drawnLines = 0;
  /** A write that did not end its line: the block stays hidden until the line is ended. */
  private midLine = false;

  constructor(private readonly stream: TerminalStream) {
    this.interactive = stream.isTTY === true;
  }

  write(chunk: string): boolean {
    if (!this.interactive || chunk === '') {
      this.stream.write(chunk);
      return true;
    }
    this.midLine = !chunk.endsWith('\n');
    this.stream.write(this.erase() + chunk + (this.midLine ? '' : this.draw()));
    return true;
  }

  /** Replaces the status block (lines without ANSI codes or newlines). */
  setStatus(lines: readonly string[]): void {
    if (!this.interactive) return;
    this.status = lines;
    if (this.midLine) return;
    this.stream.write(this.erase() + this.draw());
  }

  clearStatus(): void {
    if (!this.interactive) return;
    this.status = [];
    const erase = this.erase();
    if (erase !== '') this.stream.write(erase);
  }

  private erase(): string {
    if (this.drawnLines === 0) return '';
    const text = `${ESC}${this.drawnLines}F${ESC}J`;
    this.drawnLines = 0;
    return text;
  }

  private draw(): string {
    if (this.status.length === 0) return '';
    // A line wider than the terminal would wrap and throw off the line count the next erase uses.
    const width = Math.max(20, (this.stream.columns || 80) - 1);
    this.drawnLines = this.status.length;
    return this.status.map((line) => `${line.length > width ? `${line.slice(0, width - 1)}…` : line}\n`).join('');
  }
}
