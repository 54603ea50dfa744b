// In-page render bench: the same data handed to the panel plugin (built module.js, full Grafana
// path: dataFrameFromJSON -> applyFieldOverrides -> PanelChrome -> panel) and to a naive SVG
// rendering (every point / every peer as SVG elements), alternating, many iterations in one page.
// Each iteration mounts afresh (a new key), so every figure is a first full render.
import { dataFrameFromJSON, type GrafanaTheme2, ThemeContext } from '@grafana/data';
import { GlobalStyles } from '@grafana/ui';
import { geoNaturalEarth1, geoPath } from 'd3-geo';
import React, { useLayoutEffect, useRef, useState } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import { feature } from 'topojson-client';
import countries110m from 'world-atlas/countries-110m.json';
import { dataset } from './demoData';
import { loadPanelPlugin, panelData, panelState, PanelView, processFrames } from './host';

const DRAWN_EVENT = 'nodescope-panel-drawn';
const WIDTH = 1200;
const HEIGHT = 560;

/** The DataFrameJSON parts the baselines read. */
interface FrameJson {
  schema: { fields: Array<{ name: string }> };
  data: { values: unknown[][] };
}

// bench.ts --profile: each timed panel run is bracketed by console.profile / console.profileEnd
// (a CPU profile each) and a performance.measure (a span in a Chromium trace); --trace: the
// performance.measure spans only, which bench.ts reads from a Chromium trace for the CPU time
const params = new URLSearchParams(window.location.search);
const profiling = params.get('profile') === '1';
const spans = profiling || params.get('trace') === '1';
const profileStart = (title: string | undefined) => {
  if (!spans || title === undefined) return;
  if (profiling) console.profile(title);
  performance.mark(`${title}-start`);
};
const profileEnd = (title: string | undefined) => {
  if (!spans || title === undefined) return;
  performance.measure(title, `${title}-start`);
  if (profiling) console.profileEnd(title);
};

const nextPaint = () => new Promise<void>((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));

function signal(element: Element | null) {
  element?.dispatchEvent(new CustomEvent(DRAWN_EVENT, { bubbles: true }));
}

/** Baseline: the mempool as 39 SVG paths over all 8,640 points, no decimation. */
function NaiveMempoolSvg({ json }: { json: FrameJson[] }) {
  const ref = useRef<SVGSVGElement>(null);
  const frame = json[0]!;
  const times = frame.data.values[0] as number[];
  const bands = frame.data.values.slice(1) as number[][];
  const cum = new Float64Array(times.length);
  let max = 0;
  const tops = bands.map((values) => {
    const top = values.map((v, i) => (cum[i]! += v));
    return top;
  });
  for (const v of cum) max = Math.max(max, v);
  const x = (i: number) => (i / (times.length - 1)) * WIDTH;
  const y = (v: number) => HEIGHT - (v / max) * HEIGHT;
  const paths = tops.map((top, b) => {
    const below = b > 0 ? tops[b - 1]! : undefined;
    let d = `M${x(0)},${y(top[0]!)}`;
    for (let i = 1; i < top.length; i++) d += `L${x(i)},${y(top[i]!)}`;
    for (let i = top.length - 1; i >= 0; i--) d += `L${x(i)},${below ? y(below[i]!) : HEIGHT}`;
    return <path key={b} d={`${d}Z`} fill={`hsl(${90 - b * 2.5}, 60%, 40%)`} />;
  });
  useLayoutEffect(() => signal(ref.current));
  return (
    <svg ref={ref} width={WIDTH} height={HEIGHT}>
      {paths}
    </svg>
  );
}

const topology = countries110m as unknown as Parameters<typeof feature>[0] & { objects: { land: Parameters<typeof feature>[1] } };
const land = feature(topology, topology.objects.land);

/** Baseline: world land as an SVG path and one <circle> per peer, no clustering. */
function NaivePeerSvg({ json }: { json: FrameJson[] }) {
  const ref = useRef<SVGSVGElement>(null);
  const frame = json[0]!;
  const names = frame.schema.fields.map((f) => f.name);
  const lat = frame.data.values[names.indexOf('lat')] as Array<number | null>;
  const lon = frame.data.values[names.indexOf('lon')] as Array<number | null>;
  const projection = geoNaturalEarth1().fitSize([WIDTH, HEIGHT], { type: 'Sphere' });
  const path = geoPath(projection);
  const circles = [];
  for (let i = 0; i < lat.length; i++) {
    if (lat[i] == null || lon[i] == null) continue;
    const p = projection([lon[i]!, lat[i]!]);
    if (p) circles.push(<circle key={i} cx={p[0]} cy={p[1]} r={4} fill="#5794f2" stroke="#000" strokeWidth={1} />);
  }
  useLayoutEffect(() => signal(ref.current));
  return (
    <svg ref={ref} width={WIDTH} height={HEIGHT}>
      <path d={path(land as Parameters<typeof path>[0]) ?? ''} fill="#2c3242" />
      {circles}
    </svg>
  );
}

export interface BenchFigures {
  kind: string;
  iterations: number;
  points: number;
  panel: { drawnMs: number[]; paintedMs: number[] };
  baseline: { drawnMs: number[]; paintedMs: number[] };
  /** redraws of a mounted panel: hover and zoom, beside an empty redraw of the same canvas size */
  interaction: Record<'hover' | 'zoom', { what: string; panel: OpTimes; baseline: OpTimes }>;
}

/** per operation: scriptMs = event to React's commit and canvas draw done; paintedMs = to the next painted frame */
export interface OpTimes {
  scriptMs: number[];
  paintedMs: number[];
  /** time-range change: the Grafana frame path (dataFrameFromJSON, applyFieldOverrides) within scriptMs */
  framesMs?: number[];
}

// a task posted after the event runs after React's scheduler task (same task queue, FIFO)
const afterTasks = () =>
  new Promise<void>((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => resolve();
    channel.port2.postMessage(0);
  });

async function timeOp(op: () => void, into: OpTimes): Promise<void> {
  const start = performance.now();
  op();
  await afterTasks();
  const script = performance.now() - start;
  await nextPaint();
  into.scriptMs.push(script);
  into.paintedMs.push(performance.now() - start);
}

/** Baseline redraw: a canvas of the panel's size through React, cleared and given one rectangle per event. */
function EmptyRedraw() {
  const ref = useRef<HTMLCanvasElement>(null);
  const [tick, setTick] = useState(0);
  useLayoutEffect(() => {
    const ctx = ref.current?.getContext('2d');
    if (!ctx) return;
    ctx.clearRect(0, 0, WIDTH, HEIGHT);
    ctx.fillStyle = '#5794f2';
    ctx.fillRect(tick % WIDTH, 0, 1, HEIGHT);
  }, [tick]);
  const bump = () => setTick((t) => t + 1);
  return <canvas ref={ref} width={WIDTH} height={HEIGHT} style={{ width: WIDTH, height: HEIGHT }} data-testid="empty-redraw" onMouseMove={bump} onWheel={bump} />;
}

const mouse = (target: Element, type: 'mousemove' | 'wheel', x: number, y: number, deltaY = 0) => {
  const rect = target.getBoundingClientRect();
  const init = { bubbles: true, cancelable: true, clientX: rect.left + x, clientY: rect.top + y };
  target.dispatchEvent(type === 'wheel' ? new WheelEvent('wheel', { ...init, deltaY }) : new MouseEvent('mousemove', init));
};

export async function runBench(kind: string, iterations: number, theme: GrafanaTheme2, root: Root): Promise<void> {
  const pluginId = kind === 'peermap' ? 'nodescope-peermap-panel' : 'nodescope-mempool-panel';
  const loaded = await loadPanelPlugin(pluginId);
  const state = await panelState(loaded.plugin, {});
  const json = dataset(kind === 'peermap' ? 'peers-bench' : 'mempool-bench', Date.UTC(2026, 10, 23, 18, 0)) as unknown as FrameJson[];
  const container = document.getElementById('root')!;
  // Grafana's global styles are mounted once, as in Grafana, not with every measured panel
  const globals = document.createElement('div');
  document.body.appendChild(globals);
  createRoot(globals).render(
    <ThemeContext.Provider value={theme}>
      <GlobalStyles />
    </ThemeContext.Provider>
  );
  const figures: BenchFigures = {
    kind,
    iterations,
    points: kind === 'peermap' ? json[0]!.data.values[0]!.length : json[0]!.data.values[0]!.length * (json[0]!.data.values.length - 1),
    panel: { drawnMs: [], paintedMs: [] },
    baseline: { drawnMs: [], paintedMs: [] },
    interaction: {
      hover: { what: '', panel: { scriptMs: [], paintedMs: [] }, baseline: { scriptMs: [], paintedMs: [] } },
      zoom: { what: '', panel: { scriptMs: [], paintedMs: [] }, baseline: { scriptMs: [], paintedMs: [] } },
    },
  };
  const measure = async (render: (key: number) => React.ReactNode, key: number, profile?: string) => {
    root.render(null);
    await nextPaint();
    // collect the previous run's garbage outside the timed region (bench.ts starts Chromium with
    // --expose-gc), so neither renderer pays for the other's allocations
    (window as unknown as { gc?: () => void }).gc?.();
    await nextPaint();
    profileStart(profile);
    const start = performance.now();
    let drawn = -1;
    const drawnAt = new Promise<void>((resolve) =>
      container.addEventListener(
        DRAWN_EVENT,
        () => {
          drawn = performance.now() - start;
          resolve();
        },
        { once: true }
      )
    );
    root.render(<ThemeContext.Provider value={theme}>{render(key)}</ThemeContext.Provider>);
    await drawnAt;
    await nextPaint();
    const painted = performance.now() - start;
    profileEnd(profile);
    return { drawn, painted };
  };
  const warmup = 2;
  const phases: Array<{ parse: number; overrides: number }> = [];
  (window as unknown as { __phases: unknown }).__phases = phases;
  for (let i = 0; i < iterations + warmup; i++) {
    const panel = await measure(
      (key) => {
        // data arrival: the JSON as the datasource received it, through Grafana's frame path
        const t0 = performance.now();
        const frames = json.map((j) => dataFrameFromJSON(j as never));
        const t1 = performance.now();
        const data = panelData(processFrames(frames, loaded.plugin, state.fieldConfig, theme));
        phases.push({ parse: t1 - t0, overrides: performance.now() - t1 });
        return <PanelView key={key} loaded={loaded} state={state} data={data} width={WIDTH} height={HEIGHT} title="bench" theme={theme} />;
      },
      i,
      i < warmup ? undefined : 'render'
    );
    const baseline = await measure((key) => (kind === 'peermap' ? <NaivePeerSvg key={key} json={json} /> : <NaiveMempoolSvg key={key} json={json} />), i);
    if (i < warmup) continue;
    figures.panel.drawnMs.push(panel.drawn);
    figures.panel.paintedMs.push(panel.painted);
    figures.baseline.drawnMs.push(baseline.drawn);
    figures.baseline.paintedMs.push(baseline.painted);
  }
  await interactions(kind, iterations, theme, root, json, loaded, state, figures);
  (window as unknown as { __bench: BenchFigures }).__bench = figures;
  document.body.dataset.status = 'bench-done';
}

/**
 * Redraws of one mounted panel. Hover: a mousemove over the plot, a new spot each time (the
 * mempool's row, the peer map's cluster under the pointer). Zoom: the peer map's wheel zoom in
 * and out around a point (1x to 24x); for the mempool, which has no zoom of its own, a time-range
 * change: new frames for the last 12 h or the full 6 days, through Grafana's frame path, into the
 * mounted panel. The baseline gets the same events on an empty canvas redraw of the same size.
 */
async function interactions(
  kind: string,
  iterations: number,
  theme: GrafanaTheme2,
  root: Root,
  json: FrameJson[],
  loaded: Awaited<ReturnType<typeof loadPanelPlugin>>,
  state: Awaited<ReturnType<typeof panelState>>,
  figures: BenchFigures
): Promise<void> {
  const count = iterations * 4;
  const frame = (data: React.ReactNode) => <ThemeContext.Provider value={theme}>{data}</ThemeContext.Provider>;
  const dataOf = (frames: FrameJson[]) => panelData(processFrames(frames.map((j) => dataFrameFromJSON(j as never)), loaded.plugin, state.fieldConfig, theme));
  const view = (data: ReturnType<typeof panelData>) => frame(<PanelView key="mounted" loaded={loaded} state={state} data={data} width={WIDTH} height={HEIGHT} title="bench" theme={theme} />);
  // the last `rows` rows of the frames: a narrower time range of the same series
  const lastRows = (rows: number): FrameJson[] =>
    json.map((j) => ({ ...j, data: { ...j.data, values: j.data.values.map((v) => v.slice(-rows)) } }));
  const narrow = lastRows(720);

  const runOps = async (target: () => Element, into: Record<'hover' | 'zoom', OpTimes>, zoomOp?: (i: number) => void) => {
    for (let i = 0; i < count + 4; i++) {
      const el = target();
      const w = el.getBoundingClientRect().width;
      const h = el.getBoundingClientRect().height;
      const sink: OpTimes = { scriptMs: [], paintedMs: [] };
      // hover: walk across the plot on a coprime stride so every event lands on a new spot
      await timeOp(() => mouse(el, 'mousemove', 80 + ((i * 97) % Math.max(1, w - 100)), 30 + ((i * 53) % Math.max(1, h - 60))), i < 4 ? sink : into.hover);
      const zoomIn = Math.floor(i / 12) % 2 === 0;
      // only the mempool's time-range change is profiled (the peer map's zoom meets its goal)
      const profile = zoomOp && i >= 4 ? 'zoom' : undefined;
      profileStart(profile);
      await timeOp(() => (zoomOp ? zoomOp(i) : mouse(el, 'wheel', w * 0.55, h * 0.4, zoomIn ? -100 : 100)), i < 4 ? sink : into.zoom);
      profileEnd(profile);
    }
  };

  const { hover, zoom } = figures.interaction;
  hover.what = kind === 'peermap' ? 'mousemove over the map (cluster hit-test, tooltip)' : 'mousemove over the chart (row lookup, crosshair, tooltip)';
  zoom.what = kind === 'peermap' ? 'wheel zoom in and out (1x-24x): re-cluster and redraw' : 'time-range change: new frames (720 or 8,640 rows) into the mounted panel';
  root.render(null);
  await nextPaint();
  root.render(view(dataOf(json)));
  await nextPaint();
  await nextPaint();
  const selector = kind === 'peermap' ? '[data-testid="peermap-canvas"]' : '[data-testid="mempool-chart"]';
  const panelTarget = () => document.querySelector(selector)!;
  if (!document.querySelector(selector)) throw new Error(`interaction bench: ${selector} not rendered`);
  let wide = true;
  const framesMs: number[] = [];
  await runOps(panelTarget, { hover: hover.panel, zoom: zoom.panel }, kind === 'peermap' ? undefined : () => {
    wide = !wide;
    const start = performance.now();
    const data = dataOf(wide ? json : narrow);
    framesMs.push(performance.now() - start);
    root.render(view(data));
  });
  // the warm-up operations are not in zoom.panel
  if (kind !== 'peermap') zoom.panel.framesMs = framesMs.slice(-zoom.panel.scriptMs.length);
  // the bench measures something: the hover drew a tooltip, the zoom moved the view
  const tooltip = kind === 'peermap' ? true : Boolean(document.querySelector('[data-testid="mempool-tooltip"]'));
  if (!tooltip) throw new Error('interaction bench: no tooltip after hovering');

  root.render(null);
  await nextPaint();
  root.render(frame(<EmptyRedraw />));
  await nextPaint();
  await runOps(() => document.querySelector('[data-testid="empty-redraw"]')!, { hover: hover.baseline, zoom: zoom.baseline });
  root.render(null);
}
