import { PanelOptionsEditorBuilder, standardEditorsRegistry } from '@grafana/data';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildMempoolOptions } from './options';
import { DEFAULT_MEMPOOL_OPTIONS, type MempoolOptions } from './types';

beforeAll(() => {
  // Grafana's app registers the standard editors; the npm package ships the registry empty
  standardEditorsRegistry.setInit(() => ['radio', 'boolean', 'slider', 'number', 'select'].map((id) => ({ id, name: id, editor: () => null })) as never);
});

describe('buildMempoolOptions', () => {
  it('declares every option with the defaults of types.ts', () => {
    const builder = new PanelOptionsEditorBuilder<MempoolOptions>();
    buildMempoolOptions(builder);
    const items = builder.getItems();
    const defaults = Object.fromEntries(items.map((i) => [i.path, i.defaultValue]));
    const { schemaVersion, ...rest } = DEFAULT_MEMPOOL_OPTIONS;
    expect(schemaVersion).toBe(1);
    expect(defaults).toEqual(rest);
  });

  it('shows "Blocks shown" only while the strip is on', () => {
    const builder = new PanelOptionsEditorBuilder<MempoolOptions>();
    buildMempoolOptions(builder);
    const item = builder.getItems().find((i) => i.path === 'maxBlocks')!;
    expect(item.showIf!({ ...DEFAULT_MEMPOOL_OPTIONS, showBlocks: true })).toBe(true);
    expect(item.showIf!({ ...DEFAULT_MEMPOOL_OPTIONS, showBlocks: false })).toBe(false);
  });
});
