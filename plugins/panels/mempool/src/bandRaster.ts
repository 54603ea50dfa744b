// The stacked fee bands as pixels, without a canvas. Each band is the polygon between its top and
// the top of the band below (piecewise linear between the drawn rows); per device-pixel column,
// every pixel gets the exact area of each band over it, and the bands are composited low fee first
// as canvas source-over fills are (so the faint seams between bands stay). Chromium's software
// rasterizer spent ~12 ms of CPU on the 39 path fills of an 8,640-row chart per redraw; here the
// interior of a band is one run of writes and only its edge pixels are computed.

export interface BandRaster {
  /** device-pixel position and size of the pixels */
  x: number;
  y: number;
  width: number;
  height: number;
  /** row-major RGBA, one little-endian word per pixel (ImageData's bytes), not premultiplied */
  pixels: Uint32Array;
}

/** `#rrggbb` -> an opaque pixel word (RGBA bytes on a little-endian machine); undefined otherwise. */
export function pixelWord(color: string): number | undefined {
  const match = /^#([0-9a-f]{6})$/i.exec(color);
  if (!match) return undefined;
  const rgb = parseInt(match[1]!, 16);
  return ((0xff << 24) | ((rgb & 0xff) << 16) | (rgb & 0xff00) | (rgb >> 16)) >>> 0;
}

// below this coverage a pixel is left alone, above 1 minus it the band covers it (8-bit alpha)
const EPSILON = 1 / 512;

/**
 * Mean over a segment of a pixel row's covered height below a line: the line runs from y = ca to
 * y = cb (device pixels, y down) across the segment, the row spans [row, row + 1). Exact: the
 * integral of clamp(row + 1 - y, 0, 1) along the segment, through its antiderivative.
 */
export function meanCoverBelow(ca: number, cb: number, row: number): number {
  // most calls: the line wholly below or above the row (the far edge of a band)
  if (ca <= row && cb <= row) return 1;
  if (ca >= row + 1 && cb >= row + 1) return 0;
  if (Math.abs(cb - ca) < 1e-9) return Math.min(1, Math.max(0, row + 1 - ca));
  return (antiderivative(cb, row) - antiderivative(ca, row)) / (cb - ca);
}

function antiderivative(c: number, row: number): number {
  if (c <= row) return c;
  if (c >= row + 1) return row + 0.5;
  const d = c - row;
  return c - (d * d) / 2;
}

/**
 * Rasterizes the bands. xs: device x of each drawn row (ascending); tops[b]: device y of band b's
 * top at each row (band 0 lowest); bottom: device y of the base line; colors[b]: pixel words.
 * Undefined when the bands are not a stack (a negative or non-finite value puts a top below the
 * one under it): the caller draws those as paths, which fill such shapes by the nonzero rule.
 * `reuse` is filled when it has the right length (no new 2 MB buffer per redraw).
 */
export function rasterBands(xs: Float64Array, tops: Float64Array[], bottom: number, colors: Uint32Array, reuse?: Uint32Array): BandRaster | undefined {
  const n = xs.length;
  const bands = tops.length;
  const curves = bands + 1;
  if (n < 2 || bands === 0 || !Number.isFinite(bottom)) return undefined;
  // curve c: 0 the base line, c the top of band c - 1, each n ys
  const ys = new Float64Array(curves * n);
  ys.fill(bottom, 0, n);
  let minY = bottom;
  for (let b = 0; b < bands; b++) {
    const top = tops[b]!;
    const offset = (b + 1) * n;
    for (let j = 0; j < n; j++) {
      const y = top[j]!;
      // y grows downwards: a band's top may not lie below the one under it
      if (!(y <= ys[offset - n + j]!)) return undefined;
      ys[offset + j] = y;
      if (y < minY) minY = y;
    }
  }
  for (let j = 1; j < n; j++) if (!(xs[j]! >= xs[j - 1]!)) return undefined;
  const firstX = xs[0]!;
  const lastX = xs[n - 1]!;
  if (!Number.isFinite(firstX) || !Number.isFinite(lastX)) return undefined;
  const x0 = Math.floor(firstX);
  const y0 = Math.floor(minY);
  const width = Math.max(0, Math.ceil(lastX) - x0);
  const height = Math.max(0, Math.ceil(bottom) - y0);
  const size = width * height;
  const pixels = reuse && reuse.length === size ? reuse : new Uint32Array(size);
  pixels.fill(0);
  if (size === 0) return { x: x0, y: y0, width, height, pixels };

  // per column: the row segments crossing it (index, start and end as fractions, width in px)
  const segment = new Int32Array(n);
  const fromT = new Float64Array(n);
  const toT = new Float64Array(n);
  const span = new Float64Array(n);
  // per column, per curve and segment: the curve's y at the segment's ends (relative to y0)
  let atStart = new Float64Array(curves * 2);
  let atEnd = new Float64Array(curves * 2);
  const lowest = new Float64Array(curves);
  const highest = new Float64Array(curves);
  // per column, the edge pixels' colour as premultiplied floats while the bands are composited
  // over them (one pixel often takes several thin bands), written once when the column is done
  const red = new Float64Array(height);
  const green = new Float64Array(height);
  const blue = new Float64Array(height);
  const opacity = new Float64Array(height);
  const seenIn = new Int32Array(height).fill(-1);
  const edgeRows = new Int32Array(height);

  let s0 = 0;
  for (let px = x0; px < x0 + width; px++) {
    const left = Math.max(px, firstX);
    const right = Math.min(px + 1, lastX);
    if (!(right > left)) continue;
    while (s0 < n - 2 && xs[s0 + 1]! <= left) s0++;
    let pieces = 0;
    for (let s = s0; s < n - 1 && xs[s]! < right; s++) {
      const a = Math.max(left, xs[s]!);
      const b = Math.min(right, xs[s + 1]!);
      if (!(b > a)) continue;
      const run = xs[s + 1]! - xs[s]!;
      segment[pieces] = s;
      fromT[pieces] = (a - xs[s]!) / run;
      toT[pieces] = (b - xs[s]!) / run;
      span[pieces] = b - a;
      pieces++;
    }
    if (pieces === 0) continue;
    if (atStart.length < curves * pieces) {
      atStart = new Float64Array(curves * pieces);
      atEnd = new Float64Array(curves * pieces);
    }
    for (let c = 0; c < curves; c++) {
      let lo = Infinity;
      let hi = -Infinity;
      for (let p = 0; p < pieces; p++) {
        const at = c * n + segment[p]!;
        const ya = ys[at]!;
        const dy = ys[at + 1]! - ya;
        const start = ya + dy * fromT[p]! - y0;
        const end = ya + dy * toT[p]! - y0;
        atStart[c * pieces + p] = start;
        atEnd[c * pieces + p] = end;
        lo = Math.min(lo, start, end);
        hi = Math.max(hi, start, end);
      }
      lowest[c] = lo;
      highest[c] = hi;
    }
    const column = px - x0;
    const whole = left === px && right === px + 1;
    let edges = 0;
    for (let b = 0; b < bands; b++) {
      const under = b;
      const over = b + 1;
      const first = Math.max(0, Math.floor(lowest[over]!));
      const last = Math.min(height, Math.ceil(highest[under]!));
      if (last <= first) continue;
      const color = colors[b]!;
      // rows wholly inside the band: between the lowest point of its top and the highest of its bottom
      let fullFrom = last;
      let fullTo = last;
      if (whole) {
        const from = Math.max(first, Math.ceil(highest[over]!));
        const to = Math.min(last, Math.floor(lowest[under]!));
        if (to > from) {
          fullFrom = from;
          fullTo = to;
          for (let i = from * width + column, end = to * width + column; i < end; i += width) pixels[i] = color;
        }
      }
      for (let row = first; row < last; row++) {
        if (row === fullFrom) {
          row = fullTo - 1;
          continue;
        }
        let cover = 0;
        for (let p = 0; p < pieces; p++) {
          const o = over * pieces + p;
          const u = under * pieces + p;
          cover += span[p]! * (meanCoverBelow(atStart[o]!, atEnd[o]!, row) - meanCoverBelow(atStart[u]!, atEnd[u]!, row));
        }
        if (cover <= EPSILON) continue;
        if (cover > 1) cover = 1;
        if (seenIn[row] !== column) {
          // a band's whole rows are its own: an edge pixel starts out empty
          seenIn[row] = column;
          edgeRows[edges++] = row;
          red[row] = green[row] = blue[row] = opacity[row] = 0;
        }
        // source-over, premultiplied: colour·cover + what is there·(1 - cover)
        const keep = 1 - cover;
        red[row] = (color & 0xff) * cover + red[row]! * keep;
        green[row] = ((color >>> 8) & 0xff) * cover + green[row]! * keep;
        blue[row] = ((color >>> 16) & 0xff) * cover + blue[row]! * keep;
        opacity[row] = cover + opacity[row]! * keep;
      }
    }
    for (let e = 0; e < edges; e++) {
      const row = edgeRows[e]!;
      pixels[row * width + column] = pixel(red[row]!, green[row]!, blue[row]!, opacity[row]!);
    }
  }
  return { x: x0, y: y0, width, height, pixels };
}

/** Premultiplied floats (0-255 colour, 0-1 opacity) -> a pixel word as ImageData keeps it (not premultiplied). */
function pixel(red: number, green: number, blue: number, opacity: number): number {
  if (opacity >= 1 - EPSILON) return word(red, green, blue, 255);
  const alpha = Math.round(opacity * 255);
  return alpha === 0 ? 0 : word(red / opacity, green / opacity, blue / opacity, alpha);
}

function word(red: number, green: number, blue: number, alpha: number): number {
  const byte = (v: number) => Math.min(255, Math.round(v));
  return ((alpha << 24) | (byte(blue) << 16) | (byte(green) << 8) | byte(red)) >>> 0;
}
