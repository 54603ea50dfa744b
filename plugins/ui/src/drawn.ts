// The panel's "drawn" signal: after the canvas is painted the root element gets
// data-drawn-count (+1 per draw) and a bubbling `nodescope-panel-drawn` event. The harness and
// the render bench wait on it; Grafana ignores it.
export const DRAWN_EVENT = 'nodescope-panel-drawn';

export function signalDrawn(element: HTMLElement | null): void {
  if (!element) return;
  element.dataset.drawnCount = String(Number(element.dataset.drawnCount ?? 0) + 1);
  element.dispatchEvent(new CustomEvent(DRAWN_EVENT, { bubbles: true }));
}
