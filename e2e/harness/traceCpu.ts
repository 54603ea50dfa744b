// CPU time of the bench's timed spans, from a Chromium trace (bench.ts --trace). Wall-clock figures
// on the shared 2-core machine move with the neighbours' load; a task's thread time (`tdur`) does
// not. Each span is a performance.measure (category blink.user_timing, async begin/end events);
// its CPU is the thread time of the renderer's top-level tasks that overlap it, on the main thread
// (CrRendererMain) and on the renderer's other threads (compositor, raster workers) apart.
// Event fields as in Chromium's Trace Event Format (ph X: ts, dur, tdur in µs; ph b/e: async
// spans; ph M thread_name: the thread's name in args.name).

export interface TraceEvent {
  name: string;
  cat?: string;
  ph: string;
  ts: number;
  dur?: number;
  tdur?: number;
  pid: number;
  tid: number;
  args?: { name?: string };
}

export interface SpanCpu {
  wallMs: number;
  mainCpuMs: number;
  otherCpuMs: number;
}

// a task's outermost event in the 'toplevel' category (Chromium 156); with the devtools.timeline
// category on, the same task also has a 'RunTask' event: only one of the two is counted
const TOP_LEVEL = ['ThreadControllerImpl::RunTask', 'RunTask'];

export function spanCpu(events: TraceEvent[], span: string): SpanCpu[] {
  const marks = events.filter((e) => e.name === span && (e.cat ?? '').includes('blink.user_timing') && (e.ph === 'b' || e.ph === 'e')).sort((a, b) => a.ts - b.ts);
  if (marks.length === 0) return [];
  const pid = marks[0]!.pid;
  const main = events.find((e) => e.ph === 'M' && e.name === 'thread_name' && e.pid === pid && e.args?.name === 'CrRendererMain')?.tid;
  const name = TOP_LEVEL.find((n) => events.some((e) => e.ph === 'X' && e.name === n));
  const tasks = events.filter((e) => e.ph === 'X' && e.pid === pid && e.name === name && e.tdur !== undefined);
  const out: SpanCpu[] = [];
  let begin: number | undefined;
  for (const mark of marks) {
    if (mark.ph === 'b') {
      begin = mark.ts;
      continue;
    }
    if (begin === undefined) continue;
    const end = mark.ts;
    let mainCpu = 0;
    let otherCpu = 0;
    for (const task of tasks) {
      // overlapping: the task that sets the start mark and the one that sets the end count whole
      if (task.ts >= end || task.ts + (task.dur ?? 0) <= begin) continue;
      if (task.tid === main) mainCpu += task.tdur!;
      else otherCpu += task.tdur!;
    }
    out.push({ wallMs: (end - begin) / 1000, mainCpuMs: mainCpu / 1000, otherCpuMs: otherCpu / 1000 });
    begin = undefined;
  }
  return out;
}
