// The option items a panel's options.ts declares, for its tests (`@nodescope/ui/testing/options`).
import { PanelOptionsEditorBuilder, standardEditorsRegistry } from '@grafana/data';
import { expect } from 'vitest';

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

/** `path` → default of every option the builder declares with one. */
export function declaredDefaults<T extends object>(build: (builder: PanelOptionsEditorBuilder<T>) => unknown): Record<string, unknown> {
  return Object.fromEntries(
    panelOptionItems(build)
      .filter((i) => i.defaultValue !== undefined)
      .map((i) => [i.path, i.defaultValue])
  );
}

/** The builder declares each option of a panel's defaults (types.ts, schema version 1) with that default, and no other default. */
export function expectDefaultsDeclared<T extends { schemaVersion: number }>(build: (builder: PanelOptionsEditorBuilder<T>) => unknown, defaults: T): void {
  const { schemaVersion, ...rest } = defaults;
  expect(schemaVersion).toBe(1);
  expect(declaredDefaults(build)).toEqual(rest);
}

/** Whether the option at `path` shows (its showIf) with each of `options`. */
export function optionShownWith<T extends object>(build: (builder: PanelOptionsEditorBuilder<T>) => unknown, path: string, ...options: T[]): boolean[] {
  const item = panelOptionItems(build).find((i) => i.path === path);
  if (!item) throw new Error(`no option ${path}`);
  return options.map((o) => item.showIf?.(o) ?? true);
}
