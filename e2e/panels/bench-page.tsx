// In-page render bench: the same data handed to the panel plugin (built module.js, full Grafana
// path: dataFrameFromJSON -> applyFieldOverrides -> PanelChrome -> panel) and to a naive SVG
// rendering (every point / every peer as SVG elements), alternating, many iterations in one page.
// Each iteration mounts afresh (a new key), so every figure is a first full render.
import { dataFrameFromJSON, type GrafanaTheme2, ThemeContext } from '@grafana/data';
import { GlobalStyles } from '@grafana/ui';
import { geoNaturalEarth1, geoPath } from 'd3-geo';
import React, { useLayoutEffect, useRef } from 'react';
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
}

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
  };
  const measure = async (render: (key: number) => React.ReactNode, key: number) => {
    root.render(null);
    await nextPaint();
    // collect the previous run's garbage outside the timed region (bench.ts starts Chromium with
    // --expose-gc), so neither renderer pays for the other's allocations
    (window as unknown as { gc?: () => void }).gc?.();
    await nextPaint();
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
    return { drawn, painted: performance.now() - start };
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
      i
    );
    const baseline = await measure((key) => (kind === 'peermap' ? <NaivePeerSvg key={key} json={json} /> : <NaiveMempoolSvg key={key} json={json} />), i);
    if (i < warmup) continue;
    figures.panel.drawnMs.push(panel.drawn);
    figures.panel.paintedMs.push(panel.painted);
    figures.baseline.drawnMs.push(baseline.drawn);
    figures.baseline.paintedMs.push(baseline.painted);
  }
  (window as unknown as { __bench: BenchFigures }).__bench = figures;
  document.body.dataset.status = 'bench-done';
}
