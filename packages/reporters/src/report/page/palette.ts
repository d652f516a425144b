/**
 * Colours of the page, colour-blind friendly (Okabe–Ito, then Tableau's extras): series of one chart
 * take them in order; a comparison draws both runs of one series in the same colour (B dashed, further runs
 * with further dash patterns, see runDash).
 */
export const PALETTE = ['#0072b2', '#e69f00', '#009e73', '#cc79a7', '#56b4e9', '#d55e00', '#f0e442', '#000000', '#8c564b', '#7f7f7f'] as const;

export function paletteColor(index: number): string {
  return PALETTE[index % PALETTE.length]!;
}

/** Dash patterns of a comparison's runs in CSS pixels: A solid, B dashed, then dotted, dash-dot, long dashes. */
export const RUN_DASHES: readonly (readonly number[])[] = [[], [6, 4], [2, 3], [10, 3, 2, 3], [14, 5]];

/** The line style of run `index` of a comparison; patterns repeat after RUN_DASHES runs. */
export function runDash(index: number): readonly number[] {
  return RUN_DASHES[index % RUN_DASHES.length]!;
}
