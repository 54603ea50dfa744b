// `npm run bench -w e2e`: render speed of the mempool panel (8,640 points x 39 bands) and the peer
// map (10,000 peers) in Debian's Chromium through the panel harness, beside a naive SVG rendering
// of the same data in the same page. Times run from data arrival (the frames' JSON, before
// dataFrameFromJSON) to the panel's drawn signal, and to the next painted frame. Figures go to
// backend-proxy/bench/results/panel.*_render_ms.json in the format of backend-proxy/bench/lib.ts.
// `-- --profile <dir>` also writes a CPU profile (.cpuprofile, 0.1 ms sampling; open it in
// Chromium's DevTools, which maps the bundles through their source maps) of each timed panel
// first render and mempool time-range change; profiling slows the timed runs, so figures from a
// profiled run are not the bench's. `-- --module <kind>=<module.js>` serves another build of that
// panel (say, of an older commit) in place of plugins/panels/<kind>/dist/module.js, for A/B runs
// in one session. `-- --trace` records a Chromium trace and adds the main-thread CPU time of each
// timed first render and mempool time-range change (harness/traceCpu.ts) to the figures: on this
// shared machine the wall clock moves with the neighbours' load, a thread's CPU time much less.
// Tracing costs time and moves Chromium's frames (a traced peer-map run painted the empty
// redraw in 1 ms, not ~18): take a traced run's CPU figures, and the wall figures of a plain run.
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { formatResult, percentile, ratio, saveResult } from '../../backend-proxy/bench/lib.ts';
import { chromium } from 'playwright-core';
import { spanCpu, type SpanCpu, type TraceEvent } from '../harness/traceCpu.ts';
import { CHROMIUM } from '../tests/browser.ts';
import type { BenchFigures } from './bench-page.tsx';
import { buildPanelHost } from './build.ts';
import { ensurePanelsBuilt } from './plugins.ts';
import { startPanelHarness } from './server.ts';

const { values } = parseArgs({ options: { iterations: { type: 'string', default: '30' }, profile: { type: 'string' }, trace: { type: 'boolean', default: false }, module: { type: 'string', multiple: true, default: [] }, only: { type: 'string' } } });
const modules = new Map(values.module.map((m) => [m.slice(0, m.indexOf('=')), path.resolve(m.slice(m.indexOf('=') + 1))]));
const iterations = Number(values.iterations);
const profileDir = values.profile ? path.resolve(values.profile) : undefined;
if (profileDir) mkdirSync(profileDir, { recursive: true });

await Promise.all([ensurePanelsBuilt(), buildPanelHost()]);
const server = await startPanelHarness();
// the harness's Chromium flags, plus --expose-gc so the page can collect between timed runs, and
// no vsync or frame-rate limit, so 'to the next painted frame' is the work and not the wait for the
// next 60 Hz tick
const browser = await chromium.launch({
  executablePath: CHROMIUM,
  args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-dev-shm-usage', '--js-flags=--expose-gc', '--disable-gpu-vsync', '--disable-frame-rate-limit'],
});
const median = (list: number[]) => percentile([...list].sort((a, b) => a - b), 50);
const p95 = (list: number[]) => percentile([...list].sort((a, b) => a - b), 95);
const round = (n: number) => Math.round(n * 10) / 10;

try {
  for (const [kind, name, what] of [
    ['mempool', 'panel.mempool_render_ms', '8,640 points x 39 fee bands'],
    ['peermap', 'panel.peermap_render_ms', '10,000 peers'],
  ] as const) {
    // `-- --only mempool|peermap`: one panel
    if (values.only && values.only !== kind) continue;
    const page = await browser.newPage({ viewport: { width: 1280, height: 720 }, deviceScaleFactor: 1 });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    const moduleJs = modules.get(kind);
    if (moduleJs) await page.route(`**/public/plugins/nodescope-${kind}-panel/module.js`, (route) => route.fulfill({ path: moduleJs, contentType: 'text/javascript' }));
    if (profileDir) {
      // the page brackets each timed panel run with console.profile / console.profileEnd
      const cdp = await page.context().newCDPSession(page);
      await cdp.send('Profiler.enable');
      await cdp.send('Profiler.setSamplingInterval', { interval: 100 });
      let count = 0;
      cdp.on('Profiler.consoleProfileFinished', (event) => {
        writeFileSync(path.join(profileDir, `${kind}-${event.title ?? 'run'}-${String(count++).padStart(3, '0')}.cpuprofile`), JSON.stringify(event.profile));
      });
    }
    const traceEvents: TraceEvent[] = [];
    const tracing = values.trace ? await page.context().newCDPSession(page) : undefined;
    const traced = new Promise<void>((resolve) => {
      tracing?.on('Tracing.dataCollected', (event) => traceEvents.push(...(event.value as unknown as TraceEvent[])));
      tracing?.on('Tracing.tracingComplete', () => resolve());
    });
    await tracing?.send('Tracing.start', { traceConfig: { includedCategories: ['blink.user_timing', 'toplevel', '__metadata'] }, transferMode: 'ReportEvents' });
    await page.goto(`${server.url}/?bench=${kind}&iterations=${iterations}&theme=dark${profileDir ? '&profile=1' : ''}${values.trace ? '&trace=1' : ''}`);
    await page.waitForFunction(() => document.body.dataset.status === 'bench-done' || document.body.dataset.status === 'error', null, { timeout: 600_000 });
    if ((await page.evaluate(() => document.body.dataset.status)) !== 'bench-done') throw new Error(`${kind} bench failed: ${errors.join('; ')}`);
    const figures = (await page.evaluate(() => (window as unknown as { __bench: unknown }).__bench)) as BenchFigures;
    // the timed first renders' Grafana frame path (the warm-ups come first)
    const phases = ((await page.evaluate(() => (window as unknown as { __phases: unknown }).__phases)) as Array<{ parse: number; overrides: number }>).slice(-figures.iterations);
    let cpu: Record<string, SpanCpu[]> | undefined;
    if (tracing) {
      await tracing.send('Tracing.end');
      await traced;
      cpu = { render: spanCpu(traceEvents, 'render'), zoom: spanCpu(traceEvents, 'zoom') };
    }
    await page.close();
    const cpuFigures = (spans: SpanCpu[] | undefined) =>
      spans && spans.length > 0 ? { spans: spans.length, mainThreadCpuMedian: round(median(spans.map((s) => s.mainCpuMs))), otherThreadsCpuMedian: round(median(spans.map((s) => s.otherCpuMs))), wallMedian: round(median(spans.map((s) => s.wallMs))) } : undefined;
    const value = round(median(figures.panel.paintedMs));
    const baseline = round(median(figures.baseline.paintedMs));
    const stored = await saveResult({
      name,
      value,
      unit: 'ms',
      goal: '<= 100 ms',
      baseline: { what: `naive SVG of the same ${what} (every point as SVG, same page)`, value: baseline },
      ratio: ratio(value, baseline, true),
      details: {
        data: what,
        ...(moduleJs ? { module: moduleJs } : {}),
        ...(cpu ? { traceCpu: cpuFigures(cpu.render) } : {}),
        iterations: figures.iterations,
        measure: 'median ms from the frames JSON (before dataFrameFromJSON) to the next painted frame after the drawn signal; fresh mount each iteration, garbage collected before each timed run, 2 warm-ups dropped',
        panel: { paintedMedian: value, paintedP95: round(p95(figures.panel.paintedMs)), drawnSignalMedian: round(median(figures.panel.drawnMs)), drawnSignalP95: round(p95(figures.panel.drawnMs)), dataFrameFromJSONMedian: round(median(phases.map((p) => p.parse))), applyFieldOverridesMedian: round(median(phases.map((p) => p.overrides))) },
        baseline: { paintedMedian: baseline, paintedP95: round(p95(figures.baseline.paintedMs)), drawnSignalMedian: round(median(figures.baseline.drawnMs)) },
        browser: browser.version(),
        size: '1200 x 560 px panel, deviceScaleFactor 1',
        // the machine is shared: wall-clock figures move with its load
        loadAverage: loadavg().map((l) => Math.round(l * 100) / 100),
      },
    });
    console.log(formatResult(stored));
    if (cpu) console.log(`  first render, main-thread CPU (trace): ${JSON.stringify(cpuFigures(cpu.render))}; time-range change: ${JSON.stringify(cpuFigures(cpu.zoom))}`);
    for (const op of ['hover', 'zoom'] as const) {
      const figure = figures.interaction[op];
      const painted = round(median(figure.panel.paintedMs));
      const empty = round(median(figure.baseline.paintedMs));
      const result = await saveResult({
        name: `panel.${kind}_${op}_ms`,
        value: painted,
        unit: 'ms',
        goal: '<= 16 ms',
        baseline: { what: 'an empty redraw of a canvas of the same size through React, same events, same page', value: empty },
        ratio: ratio(painted, empty, false),
        details: {
          data: what,
          operation: figure.what,
          ...(cpu && op === 'zoom' && (cpu.zoom?.length ?? 0) > 0 ? { traceCpu: cpuFigures(cpu.zoom) } : {}),
          operations: figure.panel.paintedMs.length,
          measure: 'median ms from dispatching the event to the next painted frame (rAF, then a task); script = to the end of the task after React committed and the canvas was drawn',
          panel: { paintedMedian: painted, paintedP95: round(p95(figure.panel.paintedMs)), scriptMedian: round(median(figure.panel.scriptMs)), scriptP95: round(p95(figure.panel.scriptMs)), ...(figure.panel.framesMs ? { grafanaFramePathMedian: round(median(figure.panel.framesMs)) } : {}) },
          baseline: { paintedMedian: empty, paintedP95: round(p95(figure.baseline.paintedMs)), scriptMedian: round(median(figure.baseline.scriptMs)), scriptP95: round(p95(figure.baseline.scriptMs)) },
          browser: browser.version(),
          size: '1200 x 560 px panel, deviceScaleFactor 1',
          loadAverage: loadavg().map((l) => Math.round(l * 100) / 100),
        },
      });
      console.log(formatResult(result));
    }
  }
} finally {
  await browser.close();
  await server.close();
}
