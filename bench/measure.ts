/** Wall-clock time and CPU time of this process (all threads, native ones included) spent on a task. */
export interface Measure {
  wallMs: number;
  cpuMs: number;
}

export async function measure(task: () => Promise<unknown>): Promise<Measure> {
  const cpu = process.cpuUsage();
  const started = performance.now();
  await task();
  const used = process.cpuUsage(cpu);
  return { wallMs: performance.now() - started, cpuMs: (used.user + used.system) / 1000 };
}
