import { panelOptionItems } from '@nodescope/ui/testing/options';
import { describe, expect, it } from 'vitest';
import { buildMempoolOptions } from './options';
import { DEFAULT_MEMPOOL_OPTIONS } from './types';

describe('buildMempoolOptions', () => {
  it('declares every option with the defaults of types.ts', () => {
    const items = panelOptionItems(buildMempoolOptions);
    const defaults = Object.fromEntries(items.map((i) => [i.path, i.defaultValue]));
    const { schemaVersion, ...rest } = DEFAULT_MEMPOOL_OPTIONS;
    expect(schemaVersion).toBe(1);
    expect(defaults).toEqual(rest);
  });

  it('shows "Blocks shown" only while the strip is on', () => {
    const item = panelOptionItems(buildMempoolOptions).find((i) => i.path === 'maxBlocks')!;
    expect(item.showIf!({ ...DEFAULT_MEMPOOL_OPTIONS, showBlocks: true })).toBe(true);
    expect(item.showIf!({ ...DEFAULT_MEMPOOL_OPTIONS, showBlocks: false })).toBe(false);
  });
});
