// Grafana's app fills the option-editor and field-config registries at boot
// (public/app/core/components/OptionsUI/registry.tsx, getStandardFieldConfigs); the npm packages
// ship them empty. The panel host registers the same ids: the option editors the panels use are
// real controls (editors.tsx, rendered by the options pane), the others render nothing;
// field-config items carry Grafana's defaults so applyFieldOverrides merges unit, decimals,
// thresholds … exactly as Grafana does.
import {
  type FieldConfigPropertyItem,
  FieldColorModeId,
  standardEditorsRegistry,
  standardFieldConfigEditorRegistry,
  ThresholdsMode,
} from '@grafana/data';
import { OPTION_EDITORS } from './editors';

const Nothing = () => null;
const EDITOR_IDS = ['text', 'number', 'slider', 'boolean', 'radio', 'select', 'multiSelect', 'color', 'unit', 'thresholds', 'mappings', 'links', 'fieldColor', 'stats-picker', 'strings', 'field-name', 'dashboard-uid', 'timezone', 'date-time', 'interval', 'slider'];

let done = false;

export function registerStandardRegistries(): void {
  if (done) return;
  done = true;
  standardEditorsRegistry.setInit(() => [...new Set(EDITOR_IDS)].map((id) => ({ id, name: id, editor: (OPTION_EDITORS[id] ?? Nothing) as never })));
  const item = (id: string, defaultValue?: unknown): FieldConfigPropertyItem =>
    ({
      id,
      path: id,
      name: id,
      editor: Nothing,
      override: Nothing,
      process: (value: unknown) => value,
      shouldApply: () => true,
      ...(defaultValue !== undefined ? { defaultValue } : {}),
      category: ['Standard options'],
    }) as unknown as FieldConfigPropertyItem;
  standardFieldConfigEditorRegistry.setInit(() => [
    item('displayName'),
    item('unit'),
    item('min'),
    item('max'),
    item('fieldMinMax'),
    item('decimals'),
    item('noValue'),
    item('links'),
    item('mappings', []),
    item('thresholds', { mode: ThresholdsMode.Absolute, steps: [{ value: -Infinity, color: 'green' }, { value: 80, color: 'red' }] }),
    item('color', { mode: FieldColorModeId.Thresholds }),
    item('filterable'),
  ]);
}
