/**
 * Colours of the page, colour-blind friendly (Okabe–Ito, then Tableau's extras): series of one chart
 * take them in order; a comparison draws both runs of one series in the same colour (B dashed).
 */
export const PALETTE = ['#0072b2', '#e69f00', '#009e73', '#cc79a7', '#56b4e9', '#d55e00', '#f0e442', '#000000', '#8c564b', '#7f7f7f'] as const;

export function paletteColor(index: number): string {
  return PALETTE[index % PALETTE.length]!;
}
