import { mulberry32 } from '@jlt/core';
import { studentTCritical, studentTTwoSided } from './student-t.js';

/**
 * Is the difference between two runs larger than the noise within them?
 *
 * The per-second values of one run are not independent: a bot that is slow stays slow (its values
 * share a level for the whole run), and a moment of contention slows every bot at once (values at
 * the same time share a shock that lasts a while; a slow bridge stays slow for a while). Treating
 * every value as independent calls nearly every difference significant. So the standard error of
 * each run's statistic (median or mean) comes from what is independent, one dimension at a time:
 *
 * - **units** (bots; a server series is one unit): resampled with replacement, every unit keeping
 *   its whole time series, which carries its persistent level and its own autocorrelation;
 * - **time blocks**: the window cut into equal blocks of consecutive seconds, resampled with
 *   replacement with every unit's values of a block together, so shocks common to all units stay
 *   whole. Blocks are the shortest whose means correlate by at most 0.35 with their neighbours under
 *   an AR(1) model of what the units share, at the upper 95 % bound of its estimated coefficient;
 *   the correlation left between neighbours is corrected for under the same model. A window too
 *   short for its dependence gets 3 blocks, hence few degrees of freedom and a wide interval.
 *
 * Draws are n−1 out of n, which makes the bootstrap variance of a mean unbiased for few units
 * instead of too small by (n−1)/n. The two dimensions' variances are added (which counts the
 * idiosyncratic noise twice: conservative), the runs' variances too, and the difference b − a gets
 * a t interval and two-sided p-value with Welch–Satterthwaite degrees of freedom, each component
 * worth (its units or blocks − 1). Seeded: the same runs always give the same answer.
 *
 * What it cannot see: a shift common to every bot of one run for its whole duration (the machine
 * was busier that day) is invisible from inside one run; only repeated runs measure that.
 */
export type CentralStatistic = 'median' | 'mean';

export interface Observations {
  values: ArrayLike<number>;
  /** The unit (bot) of each value; any integers, one value for a single series. */
  units: ArrayLike<number>;
  /** Seconds since the analysis window began. */
  times: ArrayLike<number>;
}

export interface DifferenceTestOptions {
  statistic: CentralStatistic;
  /** Confidence level of the interval; default 0.95. */
  level?: number;
  /** Bootstrap resamples per run and dimension; default 500 (a standard error needs a few hundred). */
  resamples?: number;
  /** Seeds the resampling, so one comparison always gives the same answer; default 1. */
  seed?: number;
  /** Values used per run; more are thinned evenly within each unit (time order kept); default 20000. */
  maxObservations?: number;
}

/** How one run was resampled. */
export interface ResamplingDesign {
  /** Values used (after thinning). */
  observations: number;
  units: number;
  blocks: number;
  /** Length of one time block, s (the whole window when there is one block). */
  blockSeconds: number;
  /** The AR(1) coefficient that chose the block length: the upper 95 % bound of its estimate. */
  autocorrelation: number;
  /** What the blocks' bootstrap variance is multiplied by for the correlation left between
   * neighbouring blocks (AR(1) with `autocorrelation`). */
  blockVarianceFactor: number;
}

export interface DifferenceTest {
  method: 'bootstrap-t over units and time blocks';
  statistic: CentralStatistic;
  /** The statistic of each run's values (all of them, before thinning). */
  a: number;
  b: number;
  /** b − a. */
  difference: number;
  level: number;
  /** The t interval of b − a at `level`. */
  interval: [number, number];
  pValue: number;
  significant: boolean;
  /** Of the difference: the square root of the sum of both runs' unit and block variances. */
  standardError: number;
  /** Welch–Satterthwaite degrees of freedom of the t interval and p-value. */
  degreesOfFreedom: number;
  /** Per dimension and run. */
  resamples: number;
  design: { a: ResamplingDesign; b: ResamplingDesign };
}

const DEFAULTS = { level: 0.95, resamples: 500, seed: 1, maxObservations: 20_000 };
/** Fewer blocks leave too few degrees of freedom to say anything; the variance factor corrects
 * for the correlation that short blocks keep. */
const MIN_BLOCKS = 3;
const MIN_SLOTS = 10;
const MAX_NEIGHBOUR_CORRELATION = 0.35;
const UPPER_BOUND_Z = 1.645;

/** Why two runs cannot be compared. */
export interface Untestable {
  untestable: string;
}

/**
 * Compares `b` against `a`. Untestable when a run has no values, or a time series shorter than 10
 * samples: so few dependent values say nothing about their own variability.
 */
export function differenceTest(a: Observations, b: Observations, options: DifferenceTestOptions): DifferenceTest | Untestable {
  if (a.values.length === 0 || b.values.length === 0) return { untestable: 'a run has no values' };
  const { level, resamples, seed, maxObservations } = { ...DEFAULTS, ...definedOnly(options) };
  const prepared = [prepare(a, maxObservations), prepare(b, maxObservations)];
  const short = prepared.find((run) => run.slots > 1 && run.slots < MIN_SLOTS);
  if (short) return { untestable: `${short.slots} samples in time after the warm-up; at least ${MIN_SLOTS} are needed` };
  const random = mulberry32(seed);
  const runs = [a, b].map((observations, i) => {
    const run = prepared[i]!;
    const unitVariance = bootstrapVariance(run, options.statistic, 'units', resamples, random);
    const blockVariance = bootstrapVariance(run, options.statistic, 'blocks', resamples, random) * run.design.blockVarianceFactor;
    return { run, estimate: statisticOf(options.statistic, observations.values), unitVariance, blockVariance };
  });
  const [runA, runB] = runs as [(typeof runs)[0], (typeof runs)[0]];
  const difference = runB.estimate - runA.estimate;
  // Welch–Satterthwaite: each variance component comes with (its independent pieces − 1) degrees of freedom.
  const components = runs.flatMap(({ run, unitVariance, blockVariance }) => [
    { variance: unitVariance, df: run.design.units - 1 },
    { variance: blockVariance, df: run.design.blocks - 1 },
  ]).filter((c) => c.variance > 0 && c.df > 0);
  const variance = components.reduce((sum, c) => sum + c.variance, 0);
  const alpha = 1 - level;
  let pValue: number;
  let interval: [number, number];
  let df: number;
  if (variance === 0) {
    // Neither run varies under resampling: any difference is exact.
    df = Infinity;
    pValue = difference === 0 ? 1 : 0;
    interval = [difference, difference];
  } else {
    df = variance ** 2 / components.reduce((sum, c) => sum + c.variance ** 2 / c.df, 0);
    const standardError = Math.sqrt(variance);
    pValue = studentTTwoSided(difference / standardError, df);
    const margin = studentTCritical(alpha, df) * standardError;
    interval = [difference - margin, difference + margin];
  }
  return {
    method: 'bootstrap-t over units and time blocks',
    statistic: options.statistic,
    a: runA.estimate,
    b: runB.estimate,
    difference,
    level,
    interval,
    pValue,
    significant: pValue < alpha,
    standardError: Math.sqrt(variance),
    degreesOfFreedom: df,
    resamples,
    design: { a: runA.run.design, b: runB.run.design },
  };
}

/** One run, ready to resample: values in ascending order, each with its cell (unit × block). */
interface PreparedRun {
  design: ResamplingDesign;
  /** Sample times the series spans (1 without a time dimension: one value per unit). */
  slots: number;
  sortedValues: Float64Array;
  /** Cell of each sorted value: unit * blocks + block. */
  sortedCells: Int32Array;
  cellCounts: Float64Array;
  cellSums: Float64Array;
  /** Scratch space reused by every resample. */
  unitWeights: Float64Array;
  blockWeights: Float64Array;
  cellWeights: Float64Array;
}

function prepare(observations: Observations, maxObservations: number): PreparedRun {
  const thinned = thin(groupByUnit(observations), maxObservations);
  let start = Infinity;
  let end = -Infinity;
  for (const unit of thinned) {
    for (const { time } of unit) {
      start = Math.min(start, time);
      end = Math.max(end, time);
    }
  }
  const spacing = sampleSpacing(thinned);
  const slots = spacing === undefined ? 1 : Math.round((end - start) / spacing) + 1;
  const autocorrelation = spacing === undefined ? 0 : commonAutocorrelation(thinned, start, spacing, slots);
  // Equal blocks that cover the window, as many as blocks of the chosen length fit.
  const blockCount = spacing === undefined ? 1 : Math.max(1, Math.floor(slots / blockLength(autocorrelation, slots)));
  const blockSeconds = spacing === undefined ? Math.max(end - start, 1) : (slots * spacing) / blockCount;
  const blockOf = (time: number): number => Math.min(blockCount - 1, Math.floor((time - start + spacing! / 2) / blockSeconds));
  const blockIds = new Map<number, number>();
  for (const unit of thinned) for (const { time } of unit) blockIds.set(blockOf(time), 0);
  [...blockIds.keys()].sort((x, y) => x - y).forEach((key, index) => blockIds.set(key, index));
  const units = thinned.length;
  const blocks = blockIds.size;
  const flat: { value: number; cell: number }[] = [];
  const cellCounts = new Float64Array(units * blocks);
  const cellSums = new Float64Array(units * blocks);
  thinned.forEach((unit, u) => {
    for (const { value, time } of unit) {
      const cell = u * blocks + blockIds.get(blockOf(time))!;
      flat.push({ value, cell });
      cellCounts[cell]! += 1;
      cellSums[cell]! += value;
    }
  });
  flat.sort((x, y) => x.value - y.value);
  return {
    slots,
    design: {
      observations: flat.length,
      units,
      blocks,
      blockSeconds,
      autocorrelation,
      blockVarianceFactor: blocks > 1 ? blockVarianceFactor(autocorrelation, slots / blocks, blocks) : 1,
    },
    sortedValues: Float64Array.from(flat, (o) => o.value),
    sortedCells: Int32Array.from(flat, (o) => o.cell),
    cellCounts,
    cellSums,
    unitWeights: new Float64Array(units),
    blockWeights: new Float64Array(blocks),
    cellWeights: new Float64Array(units * blocks),
  };
}

interface TimedValue {
  time: number;
  value: number;
}

function groupByUnit(observations: Observations): TimedValue[][] {
  const units = new Map<number, TimedValue[]>();
  for (let i = 0; i < observations.values.length; i++) {
    const unit = observations.units[i]!;
    let list = units.get(unit);
    if (!list) units.set(unit, (list = []));
    list.push({ time: observations.times[i]!, value: observations.values[i]! });
  }
  return [...units.values()].map((list) => list.sort((x, y) => x.time - y.time));
}

/** Keeps every k-th value of each unit so that at most `max` remain (k the same for all units). */
function thin(units: TimedValue[][], max: number): TimedValue[][] {
  const total = units.reduce((n, unit) => n + unit.length, 0);
  const step = Math.ceil(total / max);
  return step <= 1 ? units : units.map((unit) => unit.filter((_, i) => i % step === 0));
}

/** The median gap between consecutive values of a unit, s; undefined when no unit has two. */
function sampleSpacing(units: TimedValue[][]): number | undefined {
  const gaps: number[] = [];
  for (const unit of units) {
    for (let i = 1; i < unit.length; i++) {
      const gap = unit[i]!.time - unit[i - 1]!.time;
      if (gap > 0) gaps.push(gap);
    }
  }
  if (gaps.length === 0) return undefined;
  gaps.sort((x, y) => x - y);
  return gaps[Math.floor(gaps.length / 2)]!;
}

/**
 * How strongly what all units share at a moment persists: the autocorrelation of the mean over
 * units of each value minus its unit's mean, per sample slot, as an AR(1) coefficient. A mix of a
 * persistent and a fleeting part has a lag-1 autocorrelation far below the persistent part's, so
 * the estimate is the largest of r(1) — corrected for its downward bias in short series (Marriott &
 * Pope 1954: + (1 + 3r)/n) — and r(k)^(1/k) for lags up to 10 (at most a quarter of the series).
 * Clamped to [0, 0.99].
 */
function commonAutocorrelation(units: TimedValue[][], start: number, spacing: number, slots: number): number {
  const sums = new Float64Array(slots);
  const counts = new Float64Array(slots);
  for (const unit of units) {
    const mean = unit.reduce((s, o) => s + o.value, 0) / unit.length;
    for (const { time, value } of unit) {
      const slot = Math.min(slots - 1, Math.round((time - start) / spacing));
      sums[slot]! += value - mean;
      counts[slot]! += 1;
    }
  }
  const series = Array.from(sums, (sum, i) => (counts[i]! > 0 ? sum / counts[i]! : 0));
  const present = counts.filter((n) => n > 0).length;
  const squares = series.reduce((s, x) => s + x * x, 0);
  if (squares === 0 || present < 4) return 0;
  const autocorrelation = (lag: number): number => {
    let products = 0;
    for (let i = 0; i + lag < slots; i++) products += series[i]! * series[i + lag]!;
    return products / squares;
  };
  const first = autocorrelation(1);
  let rho = first + (1 + 3 * first) / present;
  for (let lag = 2; lag <= Math.min(10, Math.floor(present / 4)); lag++) {
    rho = Math.max(rho, Math.max(0, autocorrelation(lag)) ** (1 / lag));
  }
  rho = Math.min(0.99, Math.max(0, rho));
  return Math.min(0.99, rho + UPPER_BOUND_Z * Math.sqrt((1 - rho * rho) / present));
}

/**
 * Block length in samples: the shortest blocks whose means an AR(1) series with coefficient `rho`
 * correlates by at most 0.35 with their neighbours' (what is left is corrected by
 * blockVarianceFactor), and at least 3 blocks per series.
 */
export function blockLength(rho: number, samples: number): number {
  const longest = Math.max(1, Math.floor(samples / MIN_BLOCKS));
  for (let length = 1; length < longest; length++) {
    if (neighbourBlockCorrelation(rho, length) <= MAX_NEIGHBOUR_CORRELATION) return length;
  }
  return longest;
}

/**
 * For `blocks` blocks of `length` samples of an AR(1) series: the variance of the whole series'
 * mean over what resampling its blocks as independent estimates on average, (1/(K−1))·(Var of a
 * block mean − Var of the whole mean); at least 1.
 */
export function blockVarianceFactor(rho: number, length: number, blocks: number): number {
  const whole = sumVariance(rho, length * blocks) / (length * blocks) ** 2;
  const block = sumVariance(rho, length) / length ** 2;
  return Math.max(1, whole / ((block - whole) / (blocks - 1)));
}

/** Variance of the sum of `n` consecutive values of an AR(1) series with unit variance. */
function sumVariance(rho: number, n: number): number {
  if (rho === 0) return n;
  return (n * (1 + rho)) / (1 - rho) - (2 * rho * (1 - rho ** n)) / (1 - rho) ** 2;
}

/** Correlation of the means of two adjacent blocks of `length` samples of an AR(1) series. */
export function neighbourBlockCorrelation(rho: number, length: number): number {
  if (rho === 0) return 0;
  const decay = 1 - rho ** length;
  return (rho * decay * decay) / (1 - rho) ** 2 / sumVariance(rho, length);
}

/**
 * The variance of the statistic when only one dimension is resampled (units with every block, or
 * blocks with every unit); 0 when that dimension has a single member.
 */
function bootstrapVariance(
  run: PreparedRun,
  statistic: CentralStatistic,
  dimension: 'units' | 'blocks',
  resamples: number,
  random: () => number,
): number {
  const resampled = dimension === 'units' ? run.unitWeights : run.blockWeights;
  const fixed = dimension === 'units' ? run.blockWeights : run.unitWeights;
  if (resampled.length < 2) return 0;
  fixed.fill(1);
  const values = new Float64Array(resamples);
  let sum = 0;
  for (let i = 0; i < resamples; i++) {
    values[i] = resampledStatistic(run, statistic, resampled, random);
    sum += values[i]!;
  }
  const mean = sum / resamples;
  let squares = 0;
  for (const value of values) squares += (value - mean) ** 2;
  return squares / resamples;
}

function resampledStatistic(run: PreparedRun, statistic: CentralStatistic, resampled: Float64Array, random: () => number): number {
  const { unitWeights, blockWeights, cellWeights, cellCounts } = run;
  const blocks = blockWeights.length;
  let total = 0;
  // With empty cells (a bot without values in some block) a draw can weigh nothing; draw again.
  while (total === 0) {
    draw(resampled, random);
    for (let u = 0; u < unitWeights.length; u++) {
      for (let k = 0; k < blocks; k++) {
        const cell = u * blocks + k;
        const weight = unitWeights[u]! * blockWeights[k]!;
        cellWeights[cell] = weight;
        total += weight * cellCounts[cell]!;
      }
    }
  }
  if (statistic === 'mean') {
    let sum = 0;
    for (let cell = 0; cell < cellWeights.length; cell++) sum += cellWeights[cell]! * run.cellSums[cell]!;
    return sum / total;
  }
  return weightedMedian(run.sortedValues, run.sortedCells, cellWeights, total);
}

/** Fills `weights` with how often each index is drawn in n−1 draws with replacement. */
function draw(weights: Float64Array, random: () => number): void {
  weights.fill(0);
  const n = weights.length;
  for (let i = 0; i < n - 1; i++) weights[Math.floor(random() * n)]! += 1;
}

/** The median of sorted values weighted by their cell's weight (the mean of the two middle values
 * when the weight splits exactly in half, as the unweighted median does). */
function weightedMedian(sorted: Float64Array, cells: Int32Array, cellWeights: Float64Array, total: number): number {
  let cumulative = 0;
  for (let i = 0; i < sorted.length; i++) {
    cumulative += cellWeights[cells[i]!]!;
    if (2 * cumulative < total) continue;
    if (2 * cumulative > total) return sorted[i]!;
    for (let j = i + 1; j < sorted.length; j++) if (cellWeights[cells[j]!]! > 0) return (sorted[i]! + sorted[j]!) / 2;
    return sorted[i]!;
  }
  return sorted[sorted.length - 1]!;
}

function statisticOf(statistic: CentralStatistic, values: ArrayLike<number>): number {
  if (statistic === 'mean') {
    let sum = 0;
    for (let i = 0; i < values.length; i++) sum += values[i]!;
    return sum / values.length;
  }
  return sortedQuantile(Float64Array.from(values).sort(), 0.5);
}

/** Linear interpolation between closest ranks (R type 7, DuckDB quantile_cont) of sorted values. */
export function sortedQuantile(sorted: ArrayLike<number>, q: number): number {
  const position = (sorted.length - 1) * q;
  const lower = Math.floor(position);
  const upper = Math.ceil(position);
  const low = sorted[lower]!;
  return low + (sorted[upper]! - low) * (position - lower);
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

export function isUntestable(result: DifferenceTest | Untestable): result is Untestable {
  return 'untestable' in result;
}
