// What the nodescope panels share on screen. Browser-only (React, @grafana/ui): the proxy takes
// its vocabulary from @nodescope/shared and never imports this package. Pieces without React sit
// behind their own subpaths (`/savedOptions`, `/testing/options`), so the tests that use them do
// not load @grafana/ui.
export { prepareCanvas } from './canvas';
export { DRAWN_EVENT, signalDrawn } from './drawn';
export { panelFieldConfig } from './fieldConfig';
export { PanelMessage, QueryErrorMessage } from './PanelMessage';
export { caption, tooltipBox } from './styles';
