import uPlot from 'uplot';
import type { ChartSpec, TimeAxis } from '../page-model.js';
import type { PageData } from './decode.js';
import { downsample, markLongGaps, type DrawColumn } from './downsample.js';
import { formatTick, formatTime, formatValue } from './format.js';
import { rangeSeconds, type BucketRange, type ZoomState } from './time-range.js';

const CHART_HEIGHT = 150;
const AXIS_FONT = '11px system-ui, sans-serif';
const SYNC_KEY = 'jlt-time';

interface DrawnChart {
  spec: ChartSpec;
  element: HTMLElement;
  columns: DrawColumn[];
  /** CSS pixels; read once for all charts (reading it between insertions would lay the page out each time). */
  width: number;
  plot: uPlot;
}

/**
 * Draws every chart of the page with uPlot, all on the page's time axis: the cursor moves in all of
 * them at once, dragging a time range in any chart zooms every chart (and the ZoomState's other
 * listeners) to it, and a double click or the zoom bar's reset shows the whole run again. Each
 * chart element gets `data-points` (points with a value drawn for the whole run), `data-series-points`
 * (the same per series, comma-separated) and `data-shown` (the bucket range it shows, `from-to`).
 */
export class ChartBoard {
  private readonly charts: DrawnChart[] = [];
  /** y range per `yGroup` over the shown range, so small multiples share their scale. */
  private readonly groupRanges = new Map<string, [number, number]>();

  constructor(
    private readonly data: PageData,
    private readonly zoom: ZoomState,
  ) {
    zoom.onChange((range) => this.show(range));
  }

  get axis(): TimeAxis {
    return this.data.model.axis;
  }

  drawAll(): void {
    const placed = this.data.model.charts.map((spec) => {
      const element = document.getElementById(spec.id);
      if (!element) throw new Error(`the page has no element for chart ${spec.id}`);
      return { spec, element, columns: this.columnsOf(spec) };
    });
    const widths = placed.map(({ element }) => chartWidth(element));
    this.updateGroupRanges(placed, this.zoom.range);
    placed.forEach((chart, i) => this.charts.push(this.draw(chart.spec, chart.element, chart.columns, widths[i]!)));
    window.addEventListener('resize', () => this.resize());
  }

  private columnsOf(spec: ChartSpec): DrawColumn[] {
    const column = (name: string, role: DrawColumn['role']): DrawColumn => {
      const values = this.data.columns.get(name);
      if (!values) throw new Error(`chart ${spec.id} names a missing column ${name}`);
      return { values, role, longGaps: markLongGaps(values) };
    };
    return spec.series.flatMap((series) => [
      column(series.column, 'line'),
      ...(series.band ? [column(series.band[0], 'lo'), column(series.band[1], 'hi')] : []),
    ]);
  }

  private draw(spec: ChartSpec, element: HTMLElement, columns: DrawColumn[], width: number): DrawnChart {
    const series: uPlot.Series[] = [{ value: (_u, v) => (v == null ? '–' : formatTime(v, this.axis.kind)) }];
    const bands: uPlot.Band[] = [];
    for (const s of spec.series) {
      series.push({
        label: s.label,
        stroke: s.color,
        width: 1.5,
        value: (_u, v) => formatValue(v, spec.unit),
        // A dashed line's points would fill its gaps: it draws none, so the pattern stays legible.
        ...(s.dash?.length ? { dash: [...s.dash], points: { show: false } } : { points: { size: 4 } }),
      });
      if (s.band) {
        const lo = series.length;
        const edge: uPlot.Series = { class: 'jlt-band-edge', stroke: 'transparent', width: 0, points: { show: false }, value: (_u, v) => formatValue(v, spec.unit) };
        series.push({ ...edge, label: `${s.label} min` }, { ...edge, label: `${s.label} max` });
        bands.push({ series: [lo + 1, lo], fill: translucent(s.color) });
      }
    }
    const options: uPlot.Options = {
      width,
      height: CHART_HEIGHT,
      series,
      bands,
      legend: { show: true, live: true, markers: { dash: legendMarkerStyle } },
      cursor: { sync: { key: SYNC_KEY }, drag: { x: true, y: false, setScale: false } },
      scales: {
        x: { time: this.axis.kind === 'clock' },
        y: { range: (_u, min, max) => this.yRange(spec, min, max) },
      },
      axes: [
        {
          size: 28,
          font: AXIS_FONT,
          space: 70,
          values: (_u: uPlot, ticks: number[], _axis: number, _space: number, increment: number) => ticks.map((t) => formatTick(t, this.axis.kind, increment)),
        },
        { size: axisWidth, font: AXIS_FONT, values: (_u, ticks) => ticks.map((t) => formatValue(t, spec.unit)) },
      ],
      hooks: {
        setSelect: [(u) => this.selected(u)],
        draw: [(u) => drawRules(u, spec)],
      },
    };
    const range = this.zoom.range;
    const drawn = downsample(columns, this.axis, range.from, range.to, width);
    const plot = new uPlot(options, [drawn.x, ...drawn.ys] as uPlot.AlignedData, element);
    plot.over.addEventListener('dblclick', () => this.zoom.reset());
    element.dataset.shown = `${range.from}-${range.to}`;
    element.dataset.points = String(drawn.points);
    element.dataset.seriesPoints = drawn.seriesPoints.join(',');
    return { spec, element, columns, width, plot };
  }

  private selected(u: uPlot): void {
    const { left, width } = u.select;
    if (width < 2) return;
    const from = u.posToVal(left, 'x');
    const to = u.posToVal(left + width, 'x');
    u.setSelect({ left: 0, top: 0, width: 0, height: 0 }, false);
    this.zoom.zoomToSeconds(from, to);
  }

  private updateGroupRanges(charts: readonly { spec: ChartSpec; columns: DrawColumn[] }[], range: BucketRange): void {
    this.groupRanges.clear();
    for (const chart of charts) {
      const group = chart.spec.yGroup;
      if (group === undefined) continue;
      const [min, max] = extent(chart.columns, range);
      const current = this.groupRanges.get(group);
      this.groupRanges.set(group, current ? [Math.min(current[0], min), Math.max(current[1], max)] : [min, max]);
    }
  }

  private show(range: BucketRange): void {
    this.updateGroupRanges(this.charts, range);
    const [minSeconds, maxSeconds] = rangeSeconds(this.axis, range);
    for (const chart of this.charts) {
      const drawn = downsample(chart.columns, this.axis, range.from, range.to, chart.width);
      chart.plot.batch(() => {
        chart.plot.setData([drawn.x, ...drawn.ys] as uPlot.AlignedData, false);
        chart.plot.setScale('x', { min: minSeconds, max: maxSeconds });
      });
      chart.element.dataset.shown = `${range.from}-${range.to}`;
      if (range.from === 0 && range.to === this.axis.count) {
        chart.element.dataset.points = String(drawn.points);
        chart.element.dataset.seriesPoints = drawn.seriesPoints.join(',');
      }
    }
  }

  private yRange(spec: ChartSpec, dataMin: number | null, dataMax: number | null): uPlot.Range.MinMax {
    const group = spec.yGroup === undefined ? undefined : this.groupRanges.get(spec.yGroup);
    let min = group?.[0] ?? dataMin ?? 0;
    let max = group?.[1] ?? dataMax ?? 1;
    for (const rule of spec.rules ?? []) {
      min = Math.min(min, rule.value);
      max = Math.max(max, rule.value);
    }
    const low = spec.yMin ?? Math.min(0, min);
    let high = spec.yMax ?? (max > low ? max + (max - low) * 0.08 : low + 1);
    if (!Number.isFinite(high)) high = low + 1;
    return [low, high];
  }

  private resize(): void {
    const widths = this.charts.map((chart) => chartWidth(chart.element));
    this.charts.forEach((chart, i) => {
      chart.width = widths[i]!;
      chart.plot.setSize({ width: chart.width, height: CHART_HEIGHT });
    });
    this.show(this.zoom.range);
  }
}

/** A legend marker's border in its series' line style, so the legend says which run a line is. */
function legendMarkerStyle(u: uPlot, seriesIndex: number): string {
  const dash = u.series[seriesIndex]?.dash;
  if (!dash?.length) return 'solid';
  return dash[0]! <= 2 ? 'dotted' : 'dashed';
}

function chartWidth(element: HTMLElement): number {
  return Math.max(160, element.clientWidth);
}

let measure: CanvasRenderingContext2D | undefined;

/** A y axis as wide as its widest tick label (uPlot calls this as the labels change). */
function axisWidth(_u: uPlot, values: string[] | null): number {
  measure ??= document.createElement('canvas').getContext('2d')!;
  measure.font = AXIS_FONT;
  const widest = Math.max(0, ...(values ?? []).map((v) => measure!.measureText(v).width));
  return Math.ceil(widest) + 16;
}

/** The smallest and largest value of the columns over a range (0 and 1 when there is none). */
function extent(columns: readonly DrawColumn[], range: BucketRange): [number, number] {
  let min = Infinity;
  let max = -Infinity;
  for (const column of columns) {
    for (let i = range.from; i < range.to; i++) {
      const value = column.values[i]!;
      if (Number.isNaN(value)) continue;
      if (value < min) min = value;
      if (value > max) max = value;
    }
  }
  return min <= max ? [min, max] : [0, 1];
}

function drawRules(u: uPlot, spec: ChartSpec): void {
  if (!spec.rules?.length) return;
  const { ctx } = u;
  const { left, top, width, height } = u.bbox;
  ctx.save();
  ctx.strokeStyle = '#c62828';
  ctx.fillStyle = '#c62828';
  ctx.lineWidth = devicePixelRatio;
  ctx.setLineDash([4 * devicePixelRatio, 3 * devicePixelRatio]);
  ctx.font = `${10 * devicePixelRatio}px system-ui, sans-serif`;
  ctx.textAlign = 'right';
  for (const rule of spec.rules) {
    const y = u.valToPos(rule.value, 'y', true);
    if (y < top || y > top + height) continue;
    ctx.beginPath();
    ctx.moveTo(left, y);
    ctx.lineTo(left + width, y);
    ctx.stroke();
    ctx.fillText(rule.label, left + width - 4, y - 3 * devicePixelRatio);
  }
  ctx.restore();
}

/** A `#rrggbb` colour at 18 % opacity, for bands. */
function translucent(color: string): string {
  const rgb = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(color);
  if (!rgb) return color;
  return `rgba(${parseInt(rgb[1]!, 16)}, ${parseInt(rgb[2]!, 16)}, ${parseInt(rgb[3]!, 16)}, 0.18)`;
}
