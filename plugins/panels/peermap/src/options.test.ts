import { PanelOptionsEditorBuilder, standardEditorsRegistry } from '@grafana/data';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildPeerMapOptions } from './options';
import { DEFAULT_PEERMAP_OPTIONS, type PeerMapOptions } from './types';

beforeAll(() => {
  // Grafana's app registers the standard editors; the npm package ships the registry empty
  standardEditorsRegistry.setInit(() => ['radio', 'boolean', 'slider', 'number', 'select'].map((id) => ({ id, name: id, editor: () => null })) as never);
});

describe('buildPeerMapOptions', () => {
  it('declares every option with the defaults of types.ts', () => {
    const builder = new PanelOptionsEditorBuilder<PeerMapOptions>();
    buildPeerMapOptions(builder);
    const items = builder.getItems();
    const defaults = Object.fromEntries(items.map((i) => [i.path, i.defaultValue]));
    const { schemaVersion, ...rest } = DEFAULT_PEERMAP_OPTIONS;
    expect(schemaVersion).toBe(1);
    expect(defaults).toEqual(rest);
  });

  it('shows the cluster radius only while clustering', () => {
    const builder = new PanelOptionsEditorBuilder<PeerMapOptions>();
    buildPeerMapOptions(builder);
    const item = builder.getItems().find((i) => i.path === 'clusterRadius')!;
    expect(item.showIf!({ ...DEFAULT_PEERMAP_OPTIONS, cluster: true })).toBe(true);
    expect(item.showIf!({ ...DEFAULT_PEERMAP_OPTIONS, cluster: false })).toBe(false);
  });
});
