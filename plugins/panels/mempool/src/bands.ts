// Fee bands as the panel draws them: mempool.space's colour per band, optional merging.
import { FEE_BAND_EDGES, feeBandLabel } from '@nodescope/shared';
import type { BandGrouping } from './types';

// mempool.space's fee colours (frontend app.constants.ts `mempoolFeeColors`, green -> purple),
// one per level 1, 2, 3 … 2000; our band 0-1 shares the first colour, 2000+ the last.
export const MEMPOOL_FEE_COLORS = [
  '#557d00', '#5d7d01', '#637d02', '#6d7d04', '#757d05', '#7d7d06', '#867d08', '#8c7d09', '#957d0b', '#9b7d0c',
  '#a67d0e', '#aa7d0f', '#b27d10', '#bb7d11', '#bf7d12', '#bf7815', '#bf7319', '#be6c1e', '#be6820', '#bd6125',
  '#bd5c28', '#bc552d', '#bc4f30', '#bc4a34', '#bb4339', '#bb3d3c', '#bb373f', '#ba3243', '#b92b48', '#b9254b',
  '#b8214d', '#b71d4f', '#b61951', '#b41453', '#b30e55', '#b10857', '#b00259', '#ae005b',
] as const;

/** Colour of a fee rate (sat/vB) on mempool.space's scale. */
export function feeColor(feeRate: number): string {
  let index = 0;
  for (let i = 1; i < FEE_BAND_EDGES.length; i++) {
    if (feeRate >= FEE_BAND_EDGES[i]!) index = i;
  }
  return MEMPOOL_FEE_COLORS[Math.max(0, Math.min(MEMPOOL_FEE_COLORS.length - 1, index - 1))]!;
}

export interface BandRange {
  lower: number;
  /** null for the open top band (`2000+`) */
  upper: number | null;
}

/** Reads a band label (`10-12`, `2000+`, also `10-12 sat/vB`); undefined when it is not one. */
export function parseBandLabel(label: string): BandRange | undefined {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(?:-\s*(\d+(?:\.\d+)?)|\+)/.exec(label);
  if (!match) return undefined;
  const lower = Number(match[1]);
  const upper = match[2] === undefined ? null : Number(match[2]);
  if (upper !== null && !(upper > lower)) return undefined;
  return { lower, upper };
}

export function formatBandRange(range: BandRange): string {
  return range.upper === null ? `${range.lower}+` : `${range.lower}-${range.upper}`;
}

// Wider groups for small panels: edges chosen where mempool.space's colour visibly changes.
const COARSE_EDGES = [0, 2, 4, 6, 10, 15, 20, 30, 50, 100, 200, 500, 1000] as const;

/** Lower edges of the groups a grouping keeps. */
export function groupEdges(grouping: BandGrouping): readonly number[] {
  return grouping === 'coarse' ? COARSE_EDGES : FEE_BAND_EDGES;
}

/** Index of the group a band (by its lower edge) falls in. */
export function groupIndex(lower: number, edges: readonly number[]): number {
  let index = 0;
  for (let i = 0; i < edges.length; i++) if (lower >= edges[i]!) index = i;
  return index;
}

/** All canonical band labels, low to high (the Prometheus `band` label values). */
export const BAND_LABELS = FEE_BAND_EDGES.map((_edge, i) => feeBandLabel(i));
