// `mempool.blocks` -> the projected-blocks strip (next blocks as mempool.space shows them).
import { type DataFrame, type Field } from '@grafana/data';
import { PROJECTED_BLOCK_FIELDS as F } from '@nodescope/shared';

export interface ProjectedBlock {
  index: number;
  tail: boolean;
  txCount: number;
  vsize: number;
  totalFees: number | null;
  medianFee: number;
  feeMin: number;
  feeMax: number;
}

/** A full block holds 1,000,000 vbytes (4M weight units). */
export const BLOCK_VSIZE = 1_000_000;

const num = (field: Field | undefined, i: number): number | null => {
  const v = field?.values[i];
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
};

export function isProjectedBlocksFrame(frame: DataFrame): boolean {
  if (frame.name === 'mempool.blocks') return true;
  const names = new Set(frame.fields.map((f) => f.name));
  return names.has(F.medianFee) && names.has(F.vsize) && names.has(F.feeMin);
}

/** Rows of the first `mempool.blocks` frame, next block first; undefined when there is none. */
export function readProjectedBlocks(frames: DataFrame[]): ProjectedBlock[] | undefined {
  const frame = frames.find(isProjectedBlocksFrame);
  if (!frame) return undefined;
  const field = (name: string) => frame.fields.find((f) => f.name === name);
  const [index, tail, txCount, vsize, totalFees, medianFee, feeMin, feeMax] = [F.index, F.tail, F.txCount, F.vsize, F.totalFees, F.medianFee, F.feeMin, F.feeMax].map(field);
  const blocks: ProjectedBlock[] = [];
  for (let i = 0; i < frame.length; i++) {
    const size = num(vsize, i) ?? 0;
    if (size <= 0) continue;
    const median = num(medianFee, i) ?? 0;
    blocks.push({
      index: num(index, i) ?? i,
      tail: tail?.values[i] === true,
      txCount: num(txCount, i) ?? 0,
      vsize: size,
      totalFees: num(totalFees, i),
      medianFee: median,
      feeMin: num(feeMin, i) ?? median,
      feeMax: num(feeMax, i) ?? median,
    });
  }
  return blocks.sort((a, b) => a.index - b.index);
}

/** How many blocks of space a projected block stands for (the tail can hold many). */
export function blocksOfSpace(block: ProjectedBlock): number {
  return Math.max(1, Math.ceil(block.vsize / BLOCK_VSIZE));
}

/** "In ~10 minutes" style ETA at the 10-minute target spacing. */
export function etaText(block: ProjectedBlock): string {
  const minutes = (block.index + 1) * 10;
  if (block.tail) return `${blocksOfSpace(block)} blocks more`;
  return minutes < 120 ? `In ~${minutes} minutes` : `In ~${Math.round(minutes / 60)} hours`;
}
