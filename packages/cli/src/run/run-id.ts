/** `20261130-024512-testbed-smoke`: sortable, readable, unique per second and scenario. */
export function makeRunId(scenario: string, nowMs: number): string {
  const iso = new Date(nowMs).toISOString();
  const stamp = `${iso.slice(0, 10).replaceAll('-', '')}-${iso.slice(11, 19).replaceAll(':', '')}`;
  return `${stamp}-${scenario.toLowerCase().replace(/[^a-z0-9-]+/g, '-')}`;
}
