import { clientAssets } from './client-bundle.js';
import { encodePageData } from './encode-page-data.js';
import { html, inlineScript, raw, type SafeHtml } from './html.js';
import type { ChartSpec, PageModel, PlacementMapData, TimeAxis } from './page-model.js';
import { PAGE_CSS } from './page-style.js';

export interface PageSection {
  id: string;
  /** Shown in the section heading and the top bar's navigation. */
  title: string;
  body: SafeHtml;
}

/** A chart as the caller describes it: series name the columns it added with `addColumn`. */
export type ChartInput = Omit<ChartSpec, 'id'>;

/**
 * One self-contained HTML report page: sections of server-rendered HTML, charts drawn in the browser
 * by uPlot from columns embedded in the page (compressed, decoded with DecompressionStream), all on
 * one time axis, zooming together; placement maps; sortable and filterable tables. The run report
 * and the comparison of two runs are both built with it:
 *
 *   const page = new ReportPage('title', axis);
 *   const p95 = page.addColumn(values);              // Float32Array of axis.count values, NaN = none
 *   const chart = page.chart({ title: 'RTT', unit: 'ms', series: [{ label: 'p95', column: p95, color }] });
 *   page.section({ id: 'rtt', title: 'RTT', body: smallMultiples(html`A`, [chart]) });
 *   const file = await page.render({ header });
 *
 * A comparison overlays two runs on an `elapsed` axis: one series per run and figure, the same colour,
 * the other runs with `dash: runDash(i)`. Tables get `data-sortable` / a `filterBar` and need no other code.
 * The page's Content-Security-Policy forbids every network request.
 */
export class ReportPage {
  private readonly columns = new Map<string, Float32Array>();
  private readonly charts: ChartSpec[] = [];
  private readonly placementMaps: Record<string, PlacementMapData> = {};
  private readonly sections: PageSection[] = [];

  constructor(
    readonly title: string,
    readonly axis: TimeAxis,
  ) {}

  /** Adds a column of `axis.count` values (NaN where a bucket has no data); returns its name. */
  addColumn(values: Float32Array): string {
    if (values.length !== this.axis.count) throw new Error(`a column needs ${this.axis.count} values (got ${values.length})`);
    const name = `c${this.columns.size}`;
    this.columns.set(name, values);
    return name;
  }

  /** Registers a chart and returns the figure it is drawn into. */
  chart(input: ChartInput): SafeHtml {
    for (const series of input.series) {
      for (const column of [series.column, ...(series.band ?? [])]) {
        if (!this.columns.has(column)) throw new Error(`chart "${input.title}" names column ${column}, which was not added`);
      }
    }
    const id = `chart-${this.charts.length}`;
    this.charts.push({ ...input, id });
    return html`<figure class="chart"><figcaption>${input.title}</figcaption><div class="plot" id="${id}" data-chart="${input.title}"></div></figure>`;
  }

  /** Registers a placement map and returns the element it is drawn into. */
  placementMap(data: PlacementMapData): SafeHtml {
    const id = `placement-map-${Object.keys(this.placementMaps).length}`;
    this.placementMaps[id] = data;
    return html`<div class="placement-map" id="${id}"></div>`;
  }

  section(section: PageSection): void {
    this.sections.push(section);
  }

  /** The whole page; `header` comes first in <main>, `footer` last; `css` follows the page's stylesheet. */
  async render(parts: { header: SafeHtml; footer?: SafeHtml; css?: string }): Promise<string> {
    const model: PageModel = { title: this.title, axis: this.axis, charts: this.charts, placementMaps: this.placementMaps };
    const [data, assets] = await Promise.all([encodePageData(model, this.columns), clientAssets()]);
    const nav = this.sections.map((s) => html`<a href="#${s.id}">${s.title}</a>`);
    const sections = this.sections.map((s) => html`<section id="${s.id}"><h2>${s.title}</h2>${s.body}</section>`);
    return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src data:; style-src 'unsafe-inline'; script-src 'unsafe-inline'">
<title>${this.title}</title>
<style>${raw(assets.uplotCss)}${raw(PAGE_CSS)}${raw(parts.css ?? '')}</style>
</head>
<body>
<header class="topbar"><span class="brand">jlt</span><nav>${nav}</nav><div class="zoombar"><span id="zoom-status"></span><button id="zoom-reset" type="button" hidden>reset zoom</button></div></header>
<div id="page-error" hidden></div>
<main>
${parts.header}
${sections}
${parts.footer}
</main>
<script id="jlt-data" type="application/octet-stream">${data}</script>
<script>${inlineScript(assets.script)}</script>
</body>
</html>
`.value;
  }
}

/** One row of small multiples: a label on the left, its charts (or notes) beside it. */
export function smallMultiples(label: SafeHtml, charts: readonly SafeHtml[]): SafeHtml {
  return html`<div class="row"><div class="row-label">${label}</div><div class="row-charts">${charts}</div></div>`;
}

export interface FilterOption {
  value: string;
  label: string;
  checked?: boolean;
}

/** A filter bar for `tableId`: one checkbox group per row attribute, and a text search. */
export function filterBar(tableId: string, groups: readonly { attribute: string; title: string; options: readonly FilterOption[] }[]): SafeHtml {
  const boxes = groups.map(
    (g) =>
      html`<span><strong>${g.title}:</strong> ${g.options.map(
        (o) => html`<label><input type="checkbox" data-filter="${g.attribute}" value="${o.value}"${o.checked === false ? '' : raw(' checked')}> ${o.label}</label> `,
      )}</span>`,
  );
  return html`<div class="filterbar" data-filter-for="${tableId}">${boxes}<input type="search" placeholder="filter text…" aria-label="filter text"> <span><span data-filter-count></span> shown</span></div>`;
}
