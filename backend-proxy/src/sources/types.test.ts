import { describe, expect, it } from 'vitest';
import { sourceIdentity } from './types.js';

describe('sourceIdentity', () => {
  it('takes id and kind as they are, the name or else the id, and the network only where configured', () => {
    expect(sourceIdentity('geth', { id: 'geth-1', network: 'sepolia' })).toEqual({ id: 'geth-1', kind: 'geth', name: 'geth-1', network: 'sepolia' });
    const fleet = sourceIdentity('cgminer', { id: 'farm', name: 'The farm' });
    expect(fleet).toEqual({ id: 'farm', kind: 'cgminer', name: 'The farm' });
    expect('network' in fleet).toBe(false);
  });
});
