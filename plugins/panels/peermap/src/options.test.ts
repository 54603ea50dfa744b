import { expectDefaultsDeclared, optionShownWith } from '@nodescope/ui/testing/options';
import { describe, expect, it } from 'vitest';
import { buildPeerMapOptions } from './options';
import { DEFAULT_PEERMAP_OPTIONS as D } from './types';

describe('buildPeerMapOptions', () => {
  it('declares every option with the defaults of types.ts', () => expectDefaultsDeclared(buildPeerMapOptions, D));

  it('shows the cluster radius only while clustering', () => {
    expect(optionShownWith(buildPeerMapOptions, 'clusterRadius', { ...D, cluster: true }, { ...D, cluster: false })).toEqual([true, false]);
  });
});
