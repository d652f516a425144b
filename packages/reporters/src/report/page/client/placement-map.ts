import type { PlacementMapData, PlacementSpan, TimeAxis } from '../page-model.js';
import { paletteColor } from '../palette.js';
import { formatTime } from './format.js';
import type { BucketRange, ZoomState } from './time-range.js';

const SVG = 'http://www.w3.org/2000/svg';
const LABEL_WIDTH = 200;
const AXIS_HEIGHT = 22;
const CONFERENCE_HEIGHT = 22;
const RELAY_HEIGHT = 8;
const BAR_HEIGHT = 5;
const ENDPOINT_HEIGHT = 2 * BAR_HEIGHT + 5;

/**
 * Draws one placement map as SVG: per conference a header (split conferences marked), a strip for
 * relay activity, and per endpoint two bars over time coloured by bridge — the bridges' `/debug`
 * above, the bot's own report below — with disagreements outlined in red. Follows the page zoom.
 * The element gets `data-endpoints` (endpoint rows drawn) and `data-spans` (bars drawn).
 */
export class PlacementMap {
  private readonly colors = new Map<string, string>();

  constructor(
    private readonly element: HTMLElement,
    private readonly data: PlacementMapData,
    private readonly axis: TimeAxis,
    zoom: ZoomState,
  ) {
    data.bridges.forEach((bridge, i) => this.colors.set(bridge, paletteColor(i)));
    zoom.onChange((range) => this.draw(range));
    window.addEventListener('resize', () => this.draw(zoom.range));
    this.draw(zoom.range);
  }

  private draw(range: BucketRange): void {
    const fromMs = this.axis.startMs + range.from * this.axis.stepMs;
    const toMs = this.axis.startMs + range.to * this.axis.stepMs;
    const width = Math.max(480, this.element.clientWidth);
    const plotWidth = width - LABEL_WIDTH - 8;
    const x = (ms: number): number => LABEL_WIDTH + ((Math.min(Math.max(ms, fromMs), toMs) - fromMs) / (toMs - fromMs)) * plotWidth;
    const svg = document.createElementNS(SVG, 'svg');
    let y = AXIS_HEIGHT;
    let endpoints = 0;
    let spans = 0;
    const bar = (span: PlacementSpan, top: number, source: string, endpoint: string, faded: boolean): void => {
      if (span.to <= fromMs || span.from >= toMs) return;
      const rect = add(svg, 'rect', { x: x(span.from), y: top, width: Math.max(1, x(span.to) - x(span.from)), height: BAR_HEIGHT, fill: this.colors.get(span.bridge) ?? '#999', opacity: faded ? 0.55 : 1 });
      title(rect, `${endpoint} on ${span.bridge} (${source}) ${this.time(span.from)}–${this.time(span.to)}`);
      spans++;
    };
    for (const conference of this.data.conferences) {
      const split = conference.splits.length > 0;
      add(svg, 'rect', { x: 0, y, width, height: CONFERENCE_HEIGHT, fill: split ? '#fff4e0' : '#f3f5f8' });
      for (const s of conference.splits) {
        if (s.to <= fromMs || s.from >= toMs) continue;
        const band = add(svg, 'rect', { x: x(s.from), y, width: Math.max(1, x(s.to) - x(s.from)), height: CONFERENCE_HEIGHT, fill: '#ffd8a0' });
        title(band, `split over ${s.bridges.join(', ')} ${this.time(s.from)}–${this.time(s.to)}`);
      }
      text(svg, 6, y + 15, `${conference.name}${split ? '  · split' : ''}`, split ? 'pm-conference pm-split' : 'pm-conference');
      y += CONFERENCE_HEIGHT;
      text(svg, 14, y + RELAY_HEIGHT - 1, 'relay', 'pm-relay-label');
      for (const relay of conference.relays) {
        if (relay.to <= fromMs || relay.from >= toMs) continue;
        const strip = add(svg, 'rect', { x: x(relay.from), y: y + 2, width: Math.max(1, x(relay.to) - x(relay.from)), height: RELAY_HEIGHT - 3, fill: '#7a5af8' });
        title(strip, `relay ${relay.label} ${this.time(relay.from)}–${this.time(relay.to)}`);
      }
      y += RELAY_HEIGHT + 2;
      for (const endpoint of conference.endpoints) {
        text(svg, 14, y + 2 * BAR_HEIGHT, endpoint.bot ? `${endpoint.bot} · ${endpoint.id}` : endpoint.id, 'pm-endpoint');
        for (const span of endpoint.debug) bar(span, y, '/debug', endpoint.id, false);
        for (const span of endpoint.reported) bar(span, y + BAR_HEIGHT + 1, 'bot', endpoint.id, true);
        for (const d of endpoint.disagreements) {
          if (d.to <= fromMs || d.from >= toMs) continue;
          const box = add(svg, 'rect', { x: x(d.from) - 1, y: y - 1, width: Math.max(2, x(d.to) - x(d.from)) + 2, height: 2 * BAR_HEIGHT + 3, fill: 'none', stroke: '#c62828', 'stroke-width': 1.5 });
          title(box, `${endpoint.id}: /debug and the bot disagree ${this.time(d.from)}–${this.time(d.to)}`);
        }
        y += ENDPOINT_HEIGHT;
        endpoints++;
      }
      y += 4;
    }
    for (let i = 0; i <= 6; i++) {
      const ms = fromMs + ((toMs - fromMs) * i) / 6;
      const tx = LABEL_WIDTH + (plotWidth * i) / 6;
      add(svg, 'line', { x1: tx, x2: tx, y1: AXIS_HEIGHT - 4, y2: y, stroke: '#dde1e6', 'stroke-width': 1 });
      text(svg, tx, 14, this.time(ms), 'pm-tick').setAttribute('text-anchor', i === 0 ? 'start' : i === 6 ? 'end' : 'middle');
    }
    svg.setAttribute('width', String(width));
    svg.setAttribute('height', String(y));
    svg.setAttribute('viewBox', `0 0 ${width} ${y}`);
    this.element.replaceChildren(svg);
    this.element.dataset.endpoints = String(endpoints);
    this.element.dataset.spans = String(spans);
  }

  private time(ms: number): string {
    return formatTime(ms / 1000, this.axis.kind);
  }
}

function add(parent: Element, tag: string, attributes: Record<string, string | number>): SVGElement {
  const element = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, String(value));
  parent.appendChild(element);
  return element;
}

function text(parent: Element, x: number, y: number, content: string, className: string): SVGElement {
  const element = add(parent, 'text', { x, y, class: className });
  element.textContent = content;
  return element;
}

function title(parent: Element, content: string): void {
  const element = document.createElementNS(SVG, 'title');
  element.textContent = content;
  parent.appendChild(element);
}
