/**
 * Sorting and filtering for the page's tables, driven by attributes the server writes:
 * - `table[data-sortable]`: a click on a header sorts by that column (again: reverses). A cell's
 *   `data-sort` is its sort key when present; keys that are all numbers sort numerically.
 * - `[data-filter-for=TABLE_ID]`: a filter bar. Checkboxes `input[data-filter=ATTR][value=V]` show
 *   rows whose `data-ATTR` is a checked value; `input[type=search]` keeps rows containing its text.
 *   The bar's `[data-filter-count]` shows how many rows are visible.
 */
export function wireTables(root: ParentNode): void {
  for (const table of root.querySelectorAll<HTMLTableElement>('table[data-sortable]')) makeSortable(table);
  for (const bar of root.querySelectorAll<HTMLElement>('[data-filter-for]')) {
    const table = document.getElementById(bar.dataset.filterFor!);
    if (table instanceof HTMLTableElement) makeFilterable(bar, table);
  }
}

function makeSortable(table: HTMLTableElement): void {
  const body = table.tBodies[0];
  if (!body) return;
  table.querySelectorAll<HTMLTableCellElement>('thead th').forEach((th, column) => {
    th.classList.add('sortable');
    th.addEventListener('click', () => {
      const descending = th.dataset.order === 'asc';
      table.querySelectorAll<HTMLElement>('thead th').forEach((other) => delete other.dataset.order);
      th.dataset.order = descending ? 'desc' : 'asc';
      const rows = [...body.rows];
      const keys = rows.map((row) => {
        const cell = row.cells[column];
        return cell?.dataset.sort ?? cell?.textContent?.trim() ?? '';
      });
      const numeric = keys.every((k) => k === '' || Number.isFinite(Number(k)));
      const order = rows.map((_, i) => i).sort((a, b) => {
        const [ka, kb] = [keys[a]!, keys[b]!];
        const cmp = numeric ? (ka === '' ? Infinity : Number(ka)) - (kb === '' ? Infinity : Number(kb)) : ka.localeCompare(kb, undefined, { numeric: true });
        return (descending ? -cmp : cmp) || a - b;
      });
      body.append(...order.map((i) => rows[i]!));
    });
  });
}

function makeFilterable(bar: HTMLElement, table: HTMLTableElement): void {
  const checkboxes = [...bar.querySelectorAll<HTMLInputElement>('input[type=checkbox][data-filter]')];
  const search = bar.querySelector<HTMLInputElement>('input[type=search]');
  const counter = bar.querySelector<HTMLElement>('[data-filter-count]');
  const apply = (): void => {
    const allowed = new Map<string, Set<string>>();
    for (const box of checkboxes) {
      const attribute = box.dataset.filter!;
      if (!allowed.has(attribute)) allowed.set(attribute, new Set());
      if (box.checked) allowed.get(attribute)!.add(box.value);
    }
    const needle = search?.value.trim().toLowerCase() ?? '';
    let visible = 0;
    for (const row of table.tBodies[0]?.rows ?? []) {
      const shown =
        [...allowed].every(([attribute, values]) => values.has(row.dataset[attribute] ?? '')) &&
        (needle === '' || (row.textContent ?? '').toLowerCase().includes(needle));
      row.hidden = !shown;
      if (shown) visible++;
    }
    if (counter) counter.textContent = String(visible);
  };
  for (const box of checkboxes) box.addEventListener('change', apply);
  search?.addEventListener('input', apply);
  apply();
}
