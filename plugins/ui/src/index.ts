// What the nodescope panels share on screen. Browser-only (React, @grafana/ui): the proxy takes
// its vocabulary from @nodescope/shared and never imports this package.
export { prepareCanvas } from './canvas';
export { DRAWN_EVENT, signalDrawn } from './drawn';
export { PanelMessage, QueryErrorMessage } from './PanelMessage';
