// The option items a panel's options.ts declares, for its tests (`@nodescope/ui/testing/options`).
import { PanelOptionsEditorBuilder, standardEditorsRegistry } from '@grafana/data';

let editorsRegistered = false;

/** The option items a panel's builder declares (options.ts), as Grafana's options pane reads them. */
export function panelOptionItems<T extends object>(build: (builder: PanelOptionsEditorBuilder<T>) => unknown) {
  if (!editorsRegistered) {
    // Grafana's app registers the standard editors; the npm package ships the registry empty
    standardEditorsRegistry.setInit(() => ['radio', 'boolean', 'slider', 'number', 'select'].map((id) => ({ id, name: id, editor: () => null })) as never);
    editorsRegistered = true;
  }
  const builder = new PanelOptionsEditorBuilder<T>();
  build(builder);
  return builder.getItems();
}
