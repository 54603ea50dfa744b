/**
 * Sizes a canvas for the screen's pixel ratio (sharp lines on hi-DPI displays), scales its 2d
 * context so drawing stays in CSS pixels, and clears it. Null when there is no element or no 2d
 * context (jsdom), so the caller can still signal that it is done.
 */
export function prepareCanvas(element: HTMLCanvasElement | null, width: number, height: number): CanvasRenderingContext2D | null {
  const ctx = element?.getContext('2d');
  if (!element || !ctx) return null;
  const ratio = window.devicePixelRatio || 1;
  const w = Math.round(width * ratio);
  const h = Math.round(height * ratio);
  // a redraw at the same size keeps the backing store: reset() clears it and the context state
  // as a resize does, without allocating a new bitmap on every hover or zoom
  if (element.width === w && element.height === h && typeof ctx.reset === 'function') ctx.reset();
  else {
    element.width = w;
    element.height = h;
  }
  ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
  ctx.clearRect(0, 0, width, height);
  return ctx;
}
