export { ReportPage, smallMultiples, filterBar, type PageSection, type ChartInput, type FilterOption } from './report-page.js';
export { html, raw, escapeHtml, SafeHtml } from './html.js';
export { PALETTE, paletteColor, RUN_DASHES, runDash } from './palette.js';
export type { TimeAxis, ChartSpec, SeriesSpec, ValueUnit, PlacementMapData, PlacementConference, PlacementEndpoint, PlacementSpan } from './page-model.js';
