import { describe, expect, it } from 'vitest';
import { spanCpu, type TraceEvent } from './traceCpu';

// Events shaped as the Trace Event Format defines them (https://docs.google.com/document/d/1CvAClvFfyA5R-PhYUmn5OOQtYMH4h6I0nSsKchNAySU:
// ph X complete events with ts/dur and the thread clock's tdur, µs; ph b/e async begin/end; ph M
// thread_name metadata), with the names Chromium gives them: CrRendererMain, RunTask under
// 'toplevel', performance.measure under blink.user_timing.
const PID = 7;
const MAIN = 1;
const RASTER = 2;
const meta = (tid: number, name: string): TraceEvent => ({ name: 'thread_name', ph: 'M', ts: 0, pid: PID, tid, args: { name } });
const task = (tid: number, ts: number, dur: number, tdur: number, pid = PID): TraceEvent => ({ name: 'ThreadControllerImpl::RunTask', cat: 'toplevel', ph: 'X', ts, dur, tdur, pid, tid });
// the devtools.timeline category's event for the same task, inside it
const timelineTask = (t: TraceEvent): TraceEvent => ({ ...t, name: 'RunTask', cat: 'disabled-by-default-devtools.timeline', ts: t.ts + 1, dur: t.dur! - 2, tdur: t.tdur! - 2 });
const mark = (ph: 'b' | 'e', ts: number, name = 'render'): TraceEvent => ({ name, cat: 'blink.user_timing', ph, ts, pid: PID, tid: MAIN });

describe('spanCpu', () => {
  it('sums the thread time of the tasks overlapping each span, main thread and others apart', () => {
    const events = [
      meta(MAIN, 'CrRendererMain'),
      meta(RASTER, 'CompositorTileWorker1'),
      task(MAIN, 0, 900, 800), // before the first span: not counted
      mark('b', 1_000),
      task(MAIN, 950, 100, 90), // sets the start mark: overlaps, counted whole
      task(MAIN, 1_200, 30_000, 20_000), // descheduled a third of its wall time
      task(RASTER, 5_000, 4_000, 3_500),
      task(MAIN, 40_000, 2_000, 1_500, 99), // another process
      mark('e', 50_000),
      task(MAIN, 50_000, 500, 400), // starts at the end mark: not counted
      mark('b', 60_000, 'zoom'),
      mark('e', 61_000, 'zoom'),
      mark('b', 70_000),
      task(MAIN, 70_100, 10_000, 9_000),
      mark('e', 90_000),
    ];
    const withTimeline = [...events, ...events.filter((e) => e.ph === 'X').map(timelineTask)];
    expect(spanCpu(withTimeline, 'render')).toEqual(spanCpu(events, 'render'));
    // a trace that has only the timeline's RunTask events is read from those
    expect(spanCpu(events.filter((e) => e.ph !== 'X').concat(events.filter((e) => e.ph === 'X').map(timelineTask)), 'render')[1]).toEqual({ wallMs: 20, mainCpuMs: 8.998, otherCpuMs: 0 });
    expect(spanCpu(events, 'render')).toEqual([
      { wallMs: 49, mainCpuMs: 20.09, otherCpuMs: 3.5 },
      { wallMs: 20, mainCpuMs: 9, otherCpuMs: 0 },
    ]);
    expect(spanCpu(events, 'zoom')).toEqual([{ wallMs: 1, mainCpuMs: 0, otherCpuMs: 0 }]);
    expect(spanCpu(events, 'absent')).toEqual([]);
  });
});
