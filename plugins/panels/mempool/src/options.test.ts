import { expectDefaultsDeclared, optionShownWith } from '@nodescope/ui/testing/options';
import { describe, expect, it } from 'vitest';
import { buildMempoolOptions } from './options';
import { DEFAULT_MEMPOOL_OPTIONS as D } from './types';

describe('buildMempoolOptions', () => {
  it('declares every option with the defaults of types.ts', () => expectDefaultsDeclared(buildMempoolOptions, D));

  it('shows "Blocks shown" only while the strip is on', () => {
    expect(optionShownWith(buildMempoolOptions, 'maxBlocks', { ...D, showBlocks: true }, { ...D, showBlocks: false })).toEqual([true, false]);
  });
});
