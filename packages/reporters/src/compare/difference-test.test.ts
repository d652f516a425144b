import { describe, expect, it } from 'vitest';
import { mulberry32 } from '@jlt/core/test-support';
import {
  blockLength,
  blockVarianceFactor,
  differenceTest,
  isUntestable,
  neighbourBlockCorrelation,
  type CentralStatistic,
  type DifferenceTest,
  type DifferenceTestOptions,
  type Observations,
} from './difference-test.js';
import { studentTCritical, studentTTwoSided } from './student-t.js';

/**
 * A synthetic run whose answer is known: value = 100 + shift + the bot's persistent level + an
 * AR(1) shock all bots share + an AR(1) shock of the bot's bridge + the bot's own AR(1) noise.
 */
interface RunModel {
  bots: number;
  seconds: number;
  /** Seconds between values (1 for client stats, the poll interval for a server series). */
  spacing?: number;
  botSd?: number;
  common?: { sd: number; rho: number };
  bridges?: { count: number; sd: number; rho: number };
  noise: { sd: number; rho: number };
}

function gaussian(random: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}

function ar1(random: () => number, n: number, { sd, rho }: { sd: number; rho: number }): number[] {
  const series: number[] = [];
  let x = gaussian(random) * sd;
  for (let i = 0; i < n; i++) {
    series.push(x);
    x = rho * x + Math.sqrt(1 - rho * rho) * sd * gaussian(random);
  }
  return series;
}

function simulate(random: () => number, model: RunModel, shift = 0): Observations {
  const spacing = model.spacing ?? 1;
  const n = Math.round(model.seconds / spacing);
  const common = ar1(random, n, model.common ?? { sd: 0, rho: 0 });
  const bridges = Array.from({ length: model.bridges?.count ?? 1 }, () => ar1(random, n, model.bridges ?? { sd: 0, rho: 0 }));
  const values: number[] = [];
  const units: number[] = [];
  const times: number[] = [];
  for (let bot = 0; bot < model.bots; bot++) {
    const level = gaussian(random) * (model.botSd ?? 0);
    const noise = ar1(random, n, model.noise);
    const bridge = bridges[bot % bridges.length]!;
    for (let t = 0; t < n; t++) {
      values.push(100 + shift + level + common[t]! + bridge[t]! + noise[t]!);
      units.push(bot);
      times.push(t * spacing);
    }
  }
  return { values, units, times };
}

function tested(a: Observations, b: Observations, options: DifferenceTestOptions): DifferenceTest {
  const result = differenceTest(a, b, options);
  if (isUntestable(result)) throw new Error(`untestable: ${result.untestable}`);
  return result;
}

/** Share of seeded trials in which the test calls b different from a, and the differences' signs. */
function trials(model: RunModel, options: { count: number; statistic: CentralStatistic; shift?: number; seed: number; naive?: boolean }) {
  const random = mulberry32(options.seed);
  let significant = 0;
  let positive = 0;
  for (let i = 0; i < options.count; i++) {
    let a = simulate(random, model);
    let b = simulate(random, model, options.shift ?? 0);
    if (options.naive) [a, b] = [everyValueIndependent(a), everyValueIndependent(b)];
    const test = tested(a, b, { statistic: options.statistic, resamples: 300, seed: i + 1 });
    if (test.significant) significant++;
    if (test.significant && test.difference > 0) positive++;
  }
  return { significantShare: significant / options.count, positiveShare: positive / options.count };
}

/** The mistake the test exists to avoid: every value its own unit, at one time. */
function everyValueIndependent(observations: Observations): Observations {
  const n = observations.values.length;
  return { values: observations.values, units: Array.from({ length: n }, (_, i) => i), times: new Array<number>(n).fill(0) };
}

const INDEPENDENT: RunModel = { bots: 8, seconds: 60, noise: { sd: 5, rho: 0 } };
/** A slow bot stays slow: persistent bot levels and autocorrelated noise. */
const SLOW_BOTS: RunModel = { bots: 8, seconds: 60, botSd: 5, noise: { sd: 5, rho: 0.7 } };
/** A slow bridge stays slow, and contention hits every bot at once: shocks that last tens of seconds. */
const SLOW_BRIDGE: RunModel = {
  bots: 6,
  seconds: 90,
  botSd: 3,
  common: { sd: 3, rho: 0.8 },
  bridges: { count: 2, sd: 5, rho: 0.9 },
  noise: { sd: 5, rho: 0.6 },
};
/** One bridge's gauge polled every 2 s: one unit, strongly autocorrelated. */
const SERVER_SERIES: RunModel = { bots: 1, seconds: 240, spacing: 2, common: { sd: 5, rho: 0.8 }, noise: { sd: 1, rho: 0 } };

describe('differenceTest on runs from the same distribution', () => {
  it.each([
    ['independent values', INDEPENDENT, 'mean' as const],
    ['slow bots stay slow', SLOW_BOTS, 'median' as const],
    ['a slow bridge stays slow, shared shocks', SLOW_BRIDGE, 'median' as const],
    ['one server series', SERVER_SERIES, 'mean' as const],
  ])('%s: no significant difference at the 0.05 level in at least 190 of 200 seeded trials', (_, model, statistic) => {
    const { significantShare } = trials(model, { count: 200, statistic, seed: 11 });
    expect(significantShare).toBeLessThanOrEqual(0.05);
  });

  it('would find differences in most same-distribution trials if it treated every value as independent', () => {
    const { significantShare } = trials(SLOW_BRIDGE, { count: 30, statistic: 'mean', seed: 12, naive: true });
    expect(significantShare).toBeGreaterThan(0.3);
  });
});

describe('differenceTest on shifted runs', () => {
  it.each([
    ['independent values, +10', INDEPENDENT, 10, 'mean' as const],
    ['slow bots stay slow, +20', SLOW_BOTS, 20, 'median' as const],
    ['a slow bridge stays slow, +40', SLOW_BRIDGE, 40, 'median' as const],
    ['one server series, +25', SERVER_SERIES, 25, 'mean' as const],
  ])('%s: finds b higher in at least 54 of 60 seeded trials', (_, model, shift, statistic) => {
    const { significantShare, positiveShare } = trials(model, { count: 60, statistic, shift, seed: 13 });
    expect(significantShare).toBeGreaterThanOrEqual(0.9);
    expect(positiveShare).toBe(significantShare);
  });
});

describe('differenceTest on exact cases', () => {
  const constant = (value: number, bots: number, seconds: number): Observations => simulate(mulberry32(1), { bots, seconds, noise: { sd: 0, rho: 0 } }, value - 100);

  it('calls identical constant runs the same, with p = 1 and a zero interval', () => {
    const test = tested(constant(15, 4, 30), constant(15, 4, 30), { statistic: 'median' });
    expect(test).toMatchObject({ difference: 0, pValue: 1, significant: false, interval: [0, 0] });
  });

  it('calls constant runs at different levels different: nothing varies, so the difference is exact', () => {
    const test = tested(constant(15, 4, 30), constant(30, 4, 30), { statistic: 'median' });
    expect(test).toMatchObject({ a: 15, b: 30, difference: 15, significant: true });
  });

  it('has no answer when a run has no values, or a series too short to show its own variability', () => {
    expect(differenceTest({ values: [], units: [], times: [] }, constant(1, 1, 10), { statistic: 'mean' })).toEqual({ untestable: 'a run has no values' });
    expect(differenceTest(constant(1, 1, 9), constant(1, 1, 30), { statistic: 'mean' })).toEqual({
      untestable: '9 samples in time after the warm-up; at least 10 are needed',
    });
    expect(isUntestable(differenceTest(constant(1, 1, 10), constant(1, 1, 10), { statistic: 'mean' }))).toBe(false);
  });

  it('gives the same answer for the same runs and seed', () => {
    const random = mulberry32(5);
    const a = simulate(random, SLOW_BRIDGE);
    const b = simulate(random, SLOW_BRIDGE, 3);
    expect(tested(a, b, { statistic: 'median', seed: 9 })).toEqual(tested(a, b, { statistic: 'median', seed: 9 }));
  });

  it('reports the median of all values and how each run was resampled', () => {
    // One value per unit and time, like join times: no time dimension.
    const a: Observations = { values: [1, 2, 3, 4], units: [7, 8, 9, 10], times: [0, 0, 0, 0] };
    const b: Observations = { values: [2, 3, 4, 5, 6], units: [1, 2, 3, 4, 5], times: [0, 0, 0, 0, 0] };
    const test = tested(a, b, { statistic: 'median' });
    expect([test.a, test.b, test.difference]).toEqual([2.5, 4, 1.5]);
    expect(test.design.a).toMatchObject({ observations: 4, units: 4, blocks: 1 });
    expect(test.design.b).toMatchObject({ observations: 5, units: 5, blocks: 1 });
  });

  it('thins runs above maxObservations evenly within each unit', () => {
    const random = mulberry32(6);
    const test = tested(simulate(random, SLOW_BOTS), simulate(random, SLOW_BOTS), { statistic: 'mean', maxObservations: 100 });
    expect(test.design.a.observations).toBeLessThanOrEqual(100);
    expect(test.design.a.units).toBe(8);
  });
});

describe('block length', () => {
  it('is one sample for independent values and grows with the autocorrelation', () => {
    expect(blockLength(0, 60)).toBe(1);
    const lengths = [0.3, 0.6, 0.8, 0.9].map((rho) => blockLength(rho, 600));
    expect(lengths).toEqual([...lengths].sort((x, y) => x - y));
    expect(new Set(lengths).size).toBe(4);
  });

  it('leaves neighbouring blocks correlated by at most 0.35, unless the series is too short for three such blocks', () => {
    for (const rho of [0.3, 0.6, 0.8, 0.9]) expect(neighbourBlockCorrelation(rho, blockLength(rho, 600))).toBeLessThanOrEqual(0.35);
    expect(blockLength(0.95, 60)).toBe(20);
  });

  it('corrects the block variance more for stronger dependence and fewer, shorter blocks', () => {
    expect(blockVarianceFactor(0, 10, 5)).toBe(1);
    expect(blockVarianceFactor(0.9, 30, 2)).toBeGreaterThan(blockVarianceFactor(0.9, 60, 2));
    expect(blockVarianceFactor(0.9, 30, 2)).toBeGreaterThan(blockVarianceFactor(0.5, 30, 2));
  });
});

describe('Student t', () => {
  it.each([
    [1, 12.706],
    [4, 2.776],
    [10, 2.228],
    [1e6, 1.96],
  ])('df %s: the two-sided 0.05 critical value is %s', (df, critical) => {
    expect(studentTCritical(0.05, df)).toBeCloseTo(critical, 2);
    expect(studentTTwoSided(critical, df)).toBeCloseTo(0.05, 3);
  });

  it('is 1 at t = 0 and falls with |t|', () => {
    expect(studentTTwoSided(0, 3)).toBeCloseTo(1, 12);
    expect(studentTTwoSided(-2, 3)).toBeCloseTo(studentTTwoSided(2, 3), 12);
    expect(studentTTwoSided(3, 3)).toBeLessThan(studentTTwoSided(2, 3));
  });
});
