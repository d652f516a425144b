import type { Writable } from '@jlt/core';
import { formatSeconds } from '@jlt/core';

export interface ProgressSource {
  elapsedMs(): number;
  totalMs: number;
  botsPlanned: number;
  botsJoined(): number;
  botsFailed(): number;
  samples(): number;
}

/** One status line every `everyMs` while the run goes on, k6-style; returns a function that stops it. */
export function startProgress(stream: Writable, source: ProgressSource, everyMs = 5_000): () => void {
  const timer = setInterval(() => {
    const elapsed = Math.max(0, source.elapsedMs());
    const failed = source.botsFailed();
    stream.write(
      `running ${formatSeconds(elapsed)}/${formatSeconds(source.totalMs)} · bots joined ${source.botsJoined()}/${source.botsPlanned}` +
        `${failed > 0 ? ` · failed ${failed}` : ''} · samples ${source.samples()}\n`,
    );
  }, everyMs);
  return () => clearInterval(timer);
}
