/**
 * Upper bounds (`le`) of the classic histograms trends are written as, in the base unit, per unit.
 * Steps are about ×1.5 (1, 1.5, 2, 3, 5, 7.5 per decade) over the range each kind of value takes in
 * a WebRTC load test, so `histogram_quantile` interpolates within a bucket at most about a third wide;
 * frame heights and frame rates get the values encoders actually produce as bounds.
 */
const STEPS = [1, 1.5, 2, 3, 5, 7.5];

function decades(from: number, to: number): number[] {
  const bounds: number[] = [];
  for (let decade = from; decade <= to; decade *= 10) {
    for (const step of STEPS) {
      const bound = Number((decade * step).toPrecision(3));
      if (bound <= to) bounds.push(bound);
    }
  }
  return bounds;
}

const BUCKETS: Record<string, readonly number[]> = {
  // 0.5 ms … 60 s: RTT, jitter, join time, event-loop lag.
  seconds: [0.0005, ...decades(0.001, 10), 15, 20, 30, 60],
  // 10 kbit/s … 50 Mbit/s.
  bits_per_second: decades(10_000, 50_000_000),
  ratio: [0, 0.001, 0.002, 0.005, 0.01, 0.02, 0.03, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.5, 0.75, 1],
  frames_per_second: [0, 1, 2, 5, 7.5, 10, 12, 15, 20, 24, 25, 30, 50, 60],
  pixels: [0, 90, 135, 180, 240, 270, 360, 480, 540, 720, 1080, 1440, 2160],
  // Anything else, e.g. cumulative layout shift.
  '': [0, ...decades(0.001, 1_000_000)],
};

export function bucketsFor(unit: string): readonly number[] {
  return BUCKETS[unit] ?? BUCKETS['']!;
}
