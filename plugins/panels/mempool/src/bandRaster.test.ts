import { describe, expect, it } from 'vitest';
import { meanCoverBelow, pixelWord, rasterBands } from './bandRaster';

// The reference, written apart from bandRaster.ts: each band is the polygon a canvas path fill
// would get (its top left to right, the band below's top right to left); a pixel's coverage is
// the exact area of that polygon clipped to the pixel's square (Sutherland-Hodgman, then the
// shoelace formula); bands are composited in drawing order with source-over as the W3C
// Compositing and Blending Level 1 spec defines it (§ 5.1 simple alpha compositing:
// co = cs·αs + cb·αb·(1 − αs), αo = αs + αb·(1 − αs); https://www.w3.org/TR/compositing-1/#simplealphacompositing).
type Point = [number, number];

function clip(polygon: Point[], inside: (p: Point) => boolean, cross: (a: Point, b: Point) => Point): Point[] {
  const out: Point[] = [];
  for (let i = 0; i < polygon.length; i++) {
    const a = polygon[i]!;
    const b = polygon[(i + 1) % polygon.length]!;
    if (inside(b)) {
      if (!inside(a)) out.push(cross(a, b));
      out.push(b);
    } else if (inside(a)) out.push(cross(a, b));
  }
  return out;
}

function areaInPixel(polygon: Point[], px: number, py: number): number {
  const atX = (x: number) => (a: Point, b: Point): Point => [x, a[1] + ((b[1] - a[1]) * (x - a[0])) / (b[0] - a[0])];
  const atY = (y: number) => (a: Point, b: Point): Point => [a[0] + ((b[0] - a[0]) * (y - a[1])) / (b[1] - a[1]), y];
  let p = clip(polygon, (q) => q[0] >= px, atX(px));
  p = clip(p, (q) => q[0] <= px + 1, atX(px + 1));
  p = clip(p, (q) => q[1] >= py, atY(py));
  p = clip(p, (q) => q[1] <= py + 1, atY(py + 1));
  let twice = 0;
  for (let i = 0; i < p.length; i++) {
    const a = p[i]!;
    const b = p[(i + 1) % p.length]!;
    twice += a[0] * b[1] - b[0] * a[1];
  }
  return Math.abs(twice) / 2;
}

/** Reference pixels as [r, g, b, alpha 0..1] per pixel of the raster's rectangle. */
function reference(xs: number[], tops: number[][], bottom: number, colors: Array<[number, number, number]>, x0: number, y0: number, width: number, height: number) {
  const pixels = Array.from({ length: width * height }, () => [0, 0, 0, 0] as [number, number, number, number]);
  tops.forEach((top, b) => {
    const below = b > 0 ? tops[b - 1]! : xs.map(() => bottom);
    const polygon: Point[] = [...xs.map((x, j): Point => [x, top[j]!]), ...xs.map((x, j): Point => [x, below[j]!]).reverse()];
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const cover = areaInPixel(polygon, x0 + x, y0 + y);
        if (cover <= 0) continue;
        const under = pixels[y * width + x]!;
        const alpha = cover + under[3] * (1 - cover);
        const mix = (c: number, k: number) => (c * cover + under[k]! * under[3] * (1 - cover)) / alpha;
        pixels[y * width + x] = [mix(colors[b]![0], 0), mix(colors[b]![1], 1), mix(colors[b]![2], 2), alpha];
      }
    }
  });
  return pixels;
}

const word = ([r, g, b]: [number, number, number]) => pixelWord(`#${[r, g, b].map((c) => c.toString(16).padStart(2, '0')).join('')}`)!;

describe('rasterBands against exact polygon areas composited source-over', () => {
  const colors: Array<[number, number, number]> = [
    [0x55, 0x7d, 0x00],
    [0xbf, 0x78, 0x15],
    [0xb0, 0x02, 0x59],
  ];
  it.each([
    ['smooth bands, one row per pixel', [0.5, 1.5, 2.5, 3.5, 4.5, 5.5, 6.5, 7.5], [[9, 8.6, 8.2, 8.9, 9.3, 9.1, 8.4, 8], [6.2, 5.1, 4.4, 5.3, 6, 5.5, 4.2, 3.9], [5.1, 4.8, 3, 4.4, 5.2, 5, 3.3, 1.2]]],
    ['steep spikes inside a column', [0.2, 1.7, 2.1, 4.9, 5.05, 7.8], [[9.5, 3.2, 9.1, 8.7, 2.2, 9], [9.1, 1.4, 8.8, 8.2, 0.6, 8.1], [8.9, 0.9, 8.7, 8, 0.3, 7.9]]],
    ['several rows in one pixel column (rows closer than a pixel)', [1, 1.3, 1.6, 1.9, 2.2, 2.5, 2.8, 3.1, 6], [[8, 7.5, 8.2, 6.9, 7.7, 8.1, 7, 7.6, 7.2], [5, 4.1, 6.6, 3.3, 5.9, 6, 2.8, 4.4, 3], [4.9, 4, 6.5, 3.2, 5.9, 5.7, 2.7, 4.4, 2.4]]],
    ['a sliver band (a few hundredths of a pixel) between two others', [0, 2, 4, 6, 8], [[7, 6.5, 6.2, 6.8, 7.1], [6.97, 6.45, 6.18, 6.76, 7.05], [2.5, 3.5, 1.5, 2.5, 4]]],
  ])('%s', (_name, xs, tops) => {
    const bottom = 10;
    const raster = rasterBands(Float64Array.from(xs), tops.map((t) => Float64Array.from(t)), bottom, Uint32Array.from(colors.map(word)))!;
    expect(raster).toBeDefined();
    expect(raster.x).toBe(Math.floor(xs[0]!));
    expect(raster.width).toBe(Math.ceil(xs[xs.length - 1]!) - raster.x);
    expect(raster.height).toBe(bottom - raster.y);
    const want = reference(xs, tops, bottom, colors, raster.x, raster.y, raster.width, raster.height);
    let partial = 0;
    for (let i = 0; i < want.length; i++) {
      const got = raster.pixels[i]!;
      const [r, g, b, a] = want[i]!;
      // 8-bit alpha as canvas keeps it; a coverage under 1/512 leaves the pixel alone
      const alpha = a <= 1 / 512 ? 0 : Math.round(a * 255);
      expect(Math.abs((got >>> 24) - alpha), `alpha of pixel ${i}`).toBeLessThanOrEqual(1);
      if (alpha === 0) continue;
      if (alpha < 255) partial++;
      // colour channels: each compositing step rounds to 8 bits, and a colour kept beside a low
      // alpha is that much less precise (canvas keeps premultiplied 8-bit values: the same loss)
      const tolerance = 2 + Math.ceil(255 / alpha);
      expect(Math.abs((got & 0xff) - r), `red of pixel ${i}`).toBeLessThanOrEqual(tolerance);
      expect(Math.abs(((got >>> 8) & 0xff) - g), `green of pixel ${i}`).toBeLessThanOrEqual(tolerance);
      expect(Math.abs(((got >>> 16) & 0xff) - b), `blue of pixel ${i}`).toBeLessThanOrEqual(tolerance);
    }
    // the cases exercise edges, not only full pixels
    expect(partial).toBeGreaterThan(4);
  });

  it('refuses what is not a stack (a top below the one under it: a negative value), and too few rows', () => {
    const colorsWords = Uint32Array.from(colors.map(word));
    expect(rasterBands(Float64Array.from([0, 4]), [Float64Array.from([5, 5]), Float64Array.from([6, 3])], 10, colorsWords)).toBeUndefined();
    expect(rasterBands(Float64Array.from([0, 4]), [Float64Array.from([5, 5]), Float64Array.from([NaN, 3])], 10, colorsWords)).toBeUndefined();
    expect(rasterBands(Float64Array.from([3]), [Float64Array.from([5])], 10, colorsWords)).toBeUndefined();
  });

  it('reuses a buffer of the right size and clears it', () => {
    const xs = Float64Array.from([0, 3]);
    const first = rasterBands(xs, [Float64Array.from([2, 2])], 4, Uint32Array.from([word(colors[0]!)]))!;
    expect(first.height).toBe(2);
    first.pixels.fill(123);
    // the same rectangle (top at 2 somewhere), band 0 now only over the bottom row on the right
    const again = rasterBands(xs, [Float64Array.from([2, 3])], 4, Uint32Array.from([word(colors[0]!)]), first.pixels)!;
    expect(again.pixels).toBe(first.pixels);
    expect(again.pixels.includes(123)).toBe(false);
    // bottom row (y 3..4) wholly covered
    expect(Array.from(again.pixels.subarray(3, 6))).toEqual([word(colors[0]!), word(colors[0]!), word(colors[0]!)]);
  });
});

describe('meanCoverBelow', () => {
  it.each([
    // a flat line: the row's covered height below it
    [2.25, 2.25, 2, 0.75],
    [1, 1, 2, 1],
    [3.5, 3.5, 2, 0],
    // a line from the row's top to its bottom: half the row
    [2, 3, 2, 0.5],
    // from above the row to its middle: 1 over the two thirds above it, (1 + 0.5) / 2 over the third inside
    [1, 2.5, 2, 11 / 12],
  ])('line %f -> %f over row %i: %f', (ca, cb, row, want) => {
    expect(meanCoverBelow(ca, cb, row)).toBeCloseTo(want, 12);
  });
});

describe('pixelWord', () => {
  it('packs #rrggbb as ImageData bytes (r, g, b, a) in a little-endian word, and refuses other forms', () => {
    const w = pixelWord('#557d00')!;
    expect(Array.from(new Uint8ClampedArray(Uint32Array.of(w).buffer))).toEqual([0x55, 0x7d, 0x00, 0xff]);
    expect(pixelWord('rgb(1,2,3)')).toBeUndefined();
    expect(pixelWord('#fff')).toBeUndefined();
  });
});
