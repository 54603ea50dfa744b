// The pixel path (bandRaster.ts) costs the chart a third of Chromium's 39 path fills, but only
// once V8 has compiled its loops: cold, they run 5-15x slower than the fills. So the chart fills
// paths until the raster has run WARM_RUNS times in this page, counting real redraws and runs on a
// synthetic chart of a panel's shape that the module starts when the page is idle (in Grafana,
// while the panel's query is still in flight). A mount after that, or the first one when the
// answer came later, draws its first frame as pixels too.
import { rasterBands } from './bandRaster';

// In Node 22's V8, warmupChart()'s raster takes 25-70 ms in each of its first 3-4 runs and 2-4 ms
// from the 4th or 5th on (V8 tiering its loops up to optimized code); 6 leaves a margin.
export const WARM_RUNS = 6;
let runs = 0;

/** One more run of rasterBands in this page (its loops get hotter with each). */
export function noteRasterRun(): void {
  runs++;
}

/** True once the raster has run often enough that V8 has compiled it. */
export function rasterIsWarm(): boolean {
  return runs >= WARM_RUNS;
}

/**
 * A synthetic stack of the chart's shape: `columns` rows from x = 68, `bands` bands of waves of
 * different phase between y = 10 and the bottom, so every branch of the raster (whole runs, edge
 * pixels shared by several thin bands, segments narrower and wider than a pixel) is exercised.
 */
export function warmupChart(columns = 600, bands = 39, height = 300): { xs: Float64Array; tops: Float64Array[]; bottom: number; colors: Uint32Array } {
  const xs = new Float64Array(columns);
  // 1.5 rows per pixel: most pixels take two segments, as a decimated 8,640-row chart's do
  for (let j = 0; j < columns; j++) xs[j] = 68 + j / 1.5;
  const bottom = 10 + height;
  const tops: Float64Array[] = [];
  let below = new Float64Array(columns).fill(bottom);
  for (let b = 0; b < bands; b++) {
    const top = new Float64Array(columns);
    for (let j = 0; j < columns; j++) top[j] = below[j]! - (height / bands) * (0.5 + 0.45 * Math.sin(j * 0.07 + b * 1.3));
    tops.push(top);
    below = top;
  }
  const colors = Uint32Array.from({ length: bands }, (_v, b) => (0xff000000 | (b * 0x050709)) >>> 0);
  return { xs, tops, bottom, colors };
}

type Schedule = (run: () => void) => void;

// one run per idle period, so the warm-up never holds a frame for more than one raster
const whenIdle: Schedule = (run) => {
  if (typeof requestIdleCallback === 'function') requestIdleCallback(run, { timeout: 2_000 });
  else setTimeout(run, 50);
};

let started = false;

/** Starts the warm-up once per page; each run is one idle callback, until the raster is warm. */
export function warmRasterWhenIdle(schedule: Schedule = whenIdle): void {
  if (started) return;
  started = true;
  const chart = warmupChart();
  let pixels: Uint32Array | undefined;
  const step = () => {
    if (rasterIsWarm()) return;
    pixels = rasterBands(chart.xs, chart.tops, chart.bottom, chart.colors, pixels)?.pixels;
    noteRasterRun();
    schedule(step);
  };
  schedule(step);
}
