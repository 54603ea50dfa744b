import { panelOptionItems } from '@nodescope/ui/testing/options';
import { describe, expect, it } from 'vitest';
import { buildPeerMapOptions } from './options';
import { DEFAULT_PEERMAP_OPTIONS } from './types';

describe('buildPeerMapOptions', () => {
  it('declares every option with the defaults of types.ts', () => {
    const items = panelOptionItems(buildPeerMapOptions);
    const defaults = Object.fromEntries(items.map((i) => [i.path, i.defaultValue]));
    const { schemaVersion, ...rest } = DEFAULT_PEERMAP_OPTIONS;
    expect(schemaVersion).toBe(1);
    expect(defaults).toEqual(rest);
  });

  it('shows the cluster radius only while clustering', () => {
    const item = panelOptionItems(buildPeerMapOptions).find((i) => i.path === 'clusterRadius')!;
    expect(item.showIf!({ ...DEFAULT_PEERMAP_OPTIONS, cluster: true })).toBe(true);
    expect(item.showIf!({ ...DEFAULT_PEERMAP_OPTIONS, cluster: false })).toBe(false);
  });
});
