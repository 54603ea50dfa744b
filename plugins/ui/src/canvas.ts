/**
 * Sizes a canvas for the screen's pixel ratio (sharp lines on hi-DPI displays), scales its 2d
 * context so drawing stays in CSS pixels, and clears it. Null when there is no element or no 2d
 * context (jsdom), so the caller can still signal that it is done.
 */
export function prepareCanvas(element: HTMLCanvasElement | null, width: number, height: number): CanvasRenderingContext2D | null {
  const ctx = element?.getContext('2d');
  if (!element || !ctx) return null;
  const ratio = window.devicePixelRatio || 1;
  element.width = Math.round(width * ratio);
  element.height = Math.round(height * ratio);
  ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
  ctx.clearRect(0, 0, width, height);
  return ctx;
}
