/**
 * The data a report page embeds, shared by the Node side that builds it (page-builder.ts) and the
 * browser side that draws it (client/). Everything here is plain data: the page must open from
 * `file://` with no network request, so charts, tables and widgets come from this one blob.
 *
 * Binary layout of the embedded blob (before gzip and base64):
 *   bytes 0–3   the ASCII magic `JLTP`
 *   bytes 4–7   header length H in bytes, little-endian uint32
 *   bytes 8…    H bytes of UTF-8 JSON: an EncodedHeader
 *   then zero padding to a multiple of 4, then every column's float32 values, little-endian,
 *   column after column; NaN marks a bucket without data.
 */

export const PAGE_DATA_MAGIC = 'JLTP';
export const PAGE_DATA_VERSION = 1;

/** Units the page formats: core's metric units, plus `percent` (0–100) for shares. */
export type ValueUnit = 'ms' | 'kbps' | 'bps' | 'ratio' | 'fps' | 'px' | 'bytes' | 'cores' | 'count' | 'packets/s' | 'percent' | '';

/** The x axis every chart of a page shares: fixed-width buckets, so one index means one time everywhere. */
export interface TimeAxis {
  /** `clock`: coordinator wall-clock time (a run report); `elapsed`: time since each run's start (a comparison). */
  kind: 'clock' | 'elapsed';
  /** Start of bucket 0: ms since the epoch for `clock`, 0 for `elapsed`. */
  startMs: number;
  stepMs: number;
  /** Number of buckets; every column has this many values. */
  count: number;
}

export interface SeriesSpec {
  label: string;
  /** The column drawn as the line. */
  column: string;
  /** Columns of the lower and upper edge of a translucent band around the line (min and max per bucket). */
  band?: readonly [string, string];
  /** A CSS colour; a comparison gives both runs' series of one figure the same colour. */
  color: string;
  /** A dash pattern in CSS pixels (`runDash`): the second and later runs of a comparison. Solid when absent or empty. */
  dash?: readonly number[];
}

export interface ChartSpec {
  /** Unique in the page; also the id of the element the chart is drawn into. */
  id: string;
  title: string;
  unit: ValueUnit;
  series: SeriesSpec[];
  /** Charts with the same group share one y range, so small multiples compare by eye. */
  yGroup?: string;
  /** Fixed y range ends; by default the range starts at 0 and ends above the data. */
  yMin?: number;
  yMax?: number;
  /** Horizontal reference lines (a saturation threshold); the y range always includes them. */
  rules?: { value: number; label: string }[];
}

export interface PlacementSpan {
  bridge: string;
  /** ms on the page's time axis (epoch ms for `clock`). */
  from: number;
  to: number;
}

export interface PlacementEndpoint {
  id: string;
  /** The bot that owns the endpoint, when known. */
  bot?: string;
  /** Where the bridges' `/debug` listed it. */
  debug: PlacementSpan[];
  /** Where its bot said it was. */
  reported: PlacementSpan[];
  /** Stretches in which the two sources disagreed. */
  disagreements: { from: number; to: number }[];
}

export interface PlacementConference {
  name: string;
  /** Stretches during which the conference had local endpoints on two or more bridges. */
  splits: { from: number; to: number; bridges: string[] }[];
  /** Stretches during which a bridge relayed this conference, per bridge pair (`jvb-1 ⇄ jvb-2`). */
  relays: { from: number; to: number; label: string }[];
  endpoints: PlacementEndpoint[];
}

/** The placement map widget: conference × bridge over time, per endpoint, from both sources. */
export interface PlacementMapData {
  /** Every bridge in colour order. */
  bridges: string[];
  conferences: PlacementConference[];
}

/** What the page knows besides its columns. */
export interface PageModel {
  title: string;
  axis: TimeAxis;
  charts: ChartSpec[];
  /** Data for widgets other than charts, keyed by the id of the element they draw into. */
  placementMaps: Record<string, PlacementMapData>;
}

/** The JSON header of the blob: the model plus where each column's values start (in float32 units). */
export interface EncodedHeader {
  version: typeof PAGE_DATA_VERSION;
  model: PageModel;
  columns: Record<string, number>;
}
