import { describe, expect, it } from 'vitest';
import { StatusTerminal } from './status-terminal.js';

function terminal(columns: number | undefined, isTTY = true) {
  const chunks: string[] = [];
  return { chunks, terminal: new StatusTerminal({ isTTY, ...(columns === undefined ? {} : { columns }), write: (c: string) => chunks.push(c) }) };
}

describe('StatusTerminal', () => {
  it('cuts status lines to the terminal width, so the erase that follows counts the right lines', () => {
    const { chunks, terminal: t } = terminal(30);
    t.setStatus(['x'.repeat(50), 'short']);
    expect(chunks).toEqual([`${'x'.repeat(28)}…\nshort\n`]);
  });

  it('takes a width of 0 (a pty without a size) as unknown: 80 columns', () => {
    const { chunks, terminal: t } = terminal(0);
    t.setStatus(['y'.repeat(70)]);
    expect(chunks).toEqual([`${'y'.repeat(70)}\n`]);
  });

  it('holds the block back while a line is unfinished, and passes everything through outside a terminal', () => {
    const { chunks, terminal: t } = terminal(80);
    t.setStatus(['status']);
    t.write('partial ');
    t.setStatus(['newer']);
    t.write('line\n');
    expect(chunks).toEqual(['status\n', '\x1b[1F\x1b[Jpartial ', 'line\nnewer\n']);
    const plain = terminal(80, false);
    plain.terminal.setStatus(['status']);
    plain.terminal.write('log\n');
    plain.terminal.clearStatus();
    expect(plain.chunks).toEqual(['log\n']);
  });
});
