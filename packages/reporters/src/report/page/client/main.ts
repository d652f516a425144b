import { ChartBoard } from './charts.js';
import { decodePageData } from './decode.js';
import { formatTime } from './format.js';
import { PlacementMap } from './placement-map.js';
import { wireTables } from './tables.js';
import { rangeSeconds, ZoomState } from './time-range.js';

/**
 * The page's entry point: decodes the embedded data (`#jlt-data`), draws every chart and placement
 * map, wires tables and the zoom bar, then sets `data-ready` on <html> (or `data-error` with the
 * message, also shown at the top of the page). Performance marks `jlt-decoded` and
 * `jlt-charts-drawn` time the two phases.
 */
async function start(): Promise<void> {
  const blob = document.getElementById('jlt-data')?.textContent ?? '';
  const data = await decodePageData(blob.trim());
  performance.mark('jlt-decoded');
  const zoom = new ZoomState(data.model.axis);
  new ChartBoard(data, zoom).drawAll();
  performance.mark('jlt-charts-drawn');
  for (const [id, map] of Object.entries(data.model.placementMaps)) {
    const element = document.getElementById(id);
    if (!element) throw new Error(`the page has no element for placement map ${id}`);
    new PlacementMap(element, map, data.model.axis, zoom);
  }
  // A page without charts or maps (a study index) has nothing to zoom.
  if (data.model.charts.length > 0 || Object.keys(data.model.placementMaps).length > 0) wireZoomBar(zoom);
  else document.querySelector<HTMLElement>('.zoombar')?.setAttribute('hidden', '');
  wireTables(document);
  document.documentElement.dataset.ready = 'true';
}

function wireZoomBar(zoom: ZoomState): void {
  const status = document.getElementById('zoom-status');
  const reset = document.getElementById('zoom-reset');
  reset?.addEventListener('click', () => zoom.reset());
  const update = (): void => {
    if (!status || !reset) return;
    const [from, to] = rangeSeconds(zoom.axis, zoom.range);
    status.textContent = zoom.zoomed ? `showing ${formatTime(from, zoom.axis.kind)} – ${formatTime(to, zoom.axis.kind)}` : 'whole run · drag across a chart to zoom';
    reset.hidden = !zoom.zoomed;
  };
  zoom.onChange(update);
  update();
}

start().catch((error: unknown) => {
  const message = error instanceof Error ? error.message : String(error);
  document.documentElement.dataset.error = message;
  const box = document.getElementById('page-error');
  if (box) {
    box.textContent = `This report could not be drawn: ${message}`;
    box.hidden = false;
  }
  throw error;
});
