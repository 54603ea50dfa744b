import { describe, expect, it } from 'vitest';
import { rasterBands } from './bandRaster';
import { noteRasterRun, rasterIsWarm, WARM_RUNS, warmRasterWhenIdle, warmupChart } from './rasterWarmup';

describe('raster warm-up', () => {
  it('warmupChart is a stack the raster draws (not the paths fallback) with edge and whole pixels', () => {
    const chart = warmupChart(90, 39, 120);
    const raster = rasterBands(chart.xs, chart.tops, chart.bottom, chart.colors);
    expect(raster).toBeDefined();
    const words = new Set(raster!.pixels);
    // every band shows somewhere as its own opaque colour, and blended edge pixels exist too
    for (const color of chart.colors) expect(words.has(color)).toBe(true);
    expect([...words].some((w) => !Array.from(chart.colors).includes(w) && w !== 0)).toBe(true);
  });

  it('runs one raster per scheduled step until warm, once per page; real runs count too', () => {
    const queue: Array<() => void> = [];
    const schedule = (run: () => void) => queue.push(run);
    noteRasterRun(); // a redraw of a mounted chart before the warm-up started
    expect(rasterIsWarm()).toBe(false);
    warmRasterWhenIdle(schedule);
    warmRasterWhenIdle(schedule); // a second panel on the page starts nothing more
    expect(queue).toHaveLength(1);
    let steps = 0;
    let warmAfter = -1;
    while (queue.length > 0) {
      queue.shift()!();
      steps++;
      if (warmAfter < 0 && rasterIsWarm()) warmAfter = steps;
    }
    // the redraw and WARM_RUNS - 1 warm-up rasters make it warm; one more step finds it so and stops
    expect(warmAfter).toBe(WARM_RUNS - 1);
    expect(steps).toBe(WARM_RUNS);
  });
});
