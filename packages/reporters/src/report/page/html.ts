/** HTML that is already escaped or built from escaped parts; anything else interpolated is escaped. */
export class SafeHtml {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

/** Trusted markup, e.g. an inlined script whose `</` sequences were already made safe. */
export function raw(markup: string): SafeHtml {
  return new SafeHtml(markup);
}

/**
 * A template literal that escapes every interpolated value (text and attribute values alike)
 * except SafeHtml; arrays are joined, and null, undefined and false render as nothing. Run data
 * (scenario names, event messages, bot ids) only ever reaches the page through it.
 */
export function html(strings: TemplateStringsArray, ...values: unknown[]): SafeHtml {
  let out = strings[0]!;
  values.forEach((value, i) => {
    out += render(value) + strings[i + 1]!;
  });
  return new SafeHtml(out);
}

function render(value: unknown): string {
  if (value instanceof SafeHtml) return value.value;
  if (Array.isArray(value)) return value.map(render).join('');
  if (value === null || value === undefined || value === false) return '';
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean') return escapeHtml(String(value));
  return escapeHtml(JSON.stringify(value) ?? '');
}

/** Script or JSON text made safe to inline in a `<script>` element. */
export function inlineScript(code: string): SafeHtml {
  return new SafeHtml(code.replace(/<\/(script)/gi, '<\\/$1').replace(/<!--/g, '<\\!--'));
}
