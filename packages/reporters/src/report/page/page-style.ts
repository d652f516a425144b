/** The page's stylesheet (uPlot's own is inlined before it). Light, dense, print-friendly. */
export const PAGE_CSS = `
:root { --fg: #1d2330; --muted: #5d6678; --line: #dde1e6; --bg: #ffffff; --panel: #f6f7f9; --ok: #1b7f3b; --bad: #c62828; --warn: #a15c00; --accent: #0072b2; }
* { box-sizing: border-box; }
[hidden] { display: none !important; }
html { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--fg); background: var(--bg); }
body { margin: 0; }
a { color: var(--accent); }
code, .mono { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; font-size: 12.5px; }
.topbar { position: sticky; top: 0; z-index: 10; display: flex; gap: 18px; align-items: center; padding: 8px 24px; background: #fff; border-bottom: 1px solid var(--line); box-shadow: 0 1px 3px rgba(0,0,0,.04); flex-wrap: wrap; }
.topbar .brand { font-weight: 650; }
.topbar nav { display: flex; gap: 12px; flex-wrap: wrap; }
.topbar nav a { text-decoration: none; color: var(--muted); font-size: 13px; }
.topbar nav a:hover { color: var(--fg); }
.zoombar { margin-left: auto; font-size: 12.5px; color: var(--muted); display: flex; gap: 8px; align-items: center; }
.zoombar button { font: inherit; border: 1px solid var(--line); background: var(--panel); border-radius: 4px; padding: 2px 8px; cursor: pointer; }
main { padding: 12px 24px 48px; max-width: 1800px; margin: 0 auto; }
section { margin-top: 28px; }
h1 { font-size: 22px; margin: 12px 0 4px; }
h2 { font-size: 17px; margin: 0 0 10px; padding-bottom: 4px; border-bottom: 1px solid var(--line); }
h3 { font-size: 14px; margin: 14px 0 6px; }
.subtitle, .note { color: var(--muted); font-size: 13px; }
.note { margin: 4px 0 10px; }
#page-error { background: #fdecea; color: var(--bad); padding: 10px 24px; font-weight: 600; }
.banner { border-radius: 6px; padding: 10px 14px; margin: 12px 0; border: 1px solid; }
.banner.untrustworthy { background: #fdecea; border-color: #f3b7b2; color: #7f1d1d; }
.banner strong { display: block; font-size: 15px; margin-bottom: 2px; }
.verdict { display: inline-block; font-weight: 700; letter-spacing: .02em; border-radius: 4px; padding: 1px 8px; font-size: 13px; vertical-align: 2px; }
.verdict.passed { background: #e3f4e8; color: var(--ok); }
.verdict.failed { background: #fdecea; color: var(--bad); }
.verdict.incomplete { background: #fff4e0; color: var(--warn); }
.facts { display: grid; grid-template-columns: max-content 1fr; gap: 3px 16px; margin: 10px 0; }
.facts dt { color: var(--muted); }
.facts dd { margin: 0; }
table { border-collapse: collapse; font-size: 13px; }
th, td { text-align: left; padding: 4px 10px; border-bottom: 1px solid var(--line); vertical-align: top; }
th { background: var(--panel); font-weight: 600; white-space: nowrap; }
th.sortable { cursor: pointer; user-select: none; }
th.sortable::after { content: " ↕"; color: #b0b6c0; }
th[data-order=asc]::after { content: " ↑"; color: var(--fg); }
th[data-order=desc]::after { content: " ↓"; color: var(--fg); }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
.pass { color: var(--ok); font-weight: 700; }
.fail { color: var(--bad); font-weight: 700; }
.level-error { color: var(--bad); }
.level-warn { color: var(--warn); }
.insights { list-style: none; padding: 0; margin: 6px 0; }
.insights li { padding: 6px 10px; margin: 4px 0; border-left: 4px solid; background: var(--panel); border-radius: 0 4px 4px 0; }
.insights li.untrustworthy { border-color: var(--bad); }
.insights li.warning { border-color: #e69f00; }
.insights li.info { border-color: var(--accent); }
.insights .rule { color: var(--muted); font-size: 12px; margin-left: 6px; }
.insights li.more { border: 0; background: none; padding: 2px 0; }
.insights li.more summary { cursor: pointer; color: var(--accent); font-size: 13px; }
.row { display: grid; grid-template-columns: 130px 1fr; gap: 8px; padding: 8px 0; border-bottom: 1px solid var(--line); }
.row-label { font-weight: 600; padding-top: 18px; overflow-wrap: anywhere; }
.row-label .subtitle { font-weight: 400; display: block; }
.row-charts { display: grid; grid-template-columns: repeat(auto-fill, minmax(300px, 1fr)); gap: 6px 10px; }
figure.chart { margin: 0; min-width: 0; }
figure.chart figcaption { font-size: 12px; font-weight: 600; color: var(--muted); margin-bottom: 1px; }
.plot { width: 100%; min-height: 150px; }
.plot .u-legend { font-size: 11px; text-align: left; }
.plot .u-legend .u-series > * { padding: 0 3px; }
.plot .u-legend th { background: none; font-weight: 500; padding: 0 2px; border: 0; }
.plot .u-legend td { padding: 0 2px; border: 0; }
.plot .u-legend tr.u-series:first-child { display: none; }
.plot .u-legend .jlt-band-edge { display: none; }
/* Legend values are the cursor's; away from the chart there is none to show (uPlot would print a dash). */
.plot:not(:hover) .u-legend .u-value { display: none; }
.plot:not(:hover) .u-legend.u-inline tr.u-series th::after { content: none; }
.missing { color: var(--muted); font-size: 12.5px; margin: 4px 0 0; }
.filterbar { display: flex; flex-wrap: wrap; gap: 6px 14px; align-items: center; margin: 6px 0 8px; font-size: 13px; }
.filterbar label { white-space: nowrap; }
.filterbar input[type=search] { font: inherit; padding: 2px 6px; border: 1px solid var(--line); border-radius: 4px; min-width: 220px; }
.scroll { max-height: 560px; overflow: auto; border: 1px solid var(--line); }
.scroll table { width: 100%; }
.scroll thead th { position: sticky; top: 0; }
details.shot summary { cursor: pointer; color: var(--accent); }
details.shot img { display: block; max-width: 640px; margin-top: 6px; border: 1px solid var(--line); }
.placement-map { width: 100%; overflow-x: auto; }
.placement-map svg text { font: 11px system-ui, sans-serif; fill: var(--fg); }
.placement-map svg .pm-conference { font-weight: 600; }
.placement-map svg .pm-split { fill: #8a4b00; }
.placement-map svg .pm-relay-label, .placement-map svg .pm-tick { fill: var(--muted); font-size: 10px; }
.legend { display: flex; gap: 14px; flex-wrap: wrap; font-size: 12.5px; color: var(--muted); margin: 4px 0 8px; }
.legend .swatch { display: inline-block; width: 12px; height: 10px; border-radius: 2px; vertical-align: -1px; margin-right: 4px; }
footer { color: var(--muted); font-size: 12px; margin-top: 40px; }
@media print { .topbar { position: static; } .scroll { max-height: none; } }
`;
