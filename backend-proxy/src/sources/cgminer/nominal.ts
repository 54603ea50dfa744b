// What a miner should deliver: nominal hashrate, chips per hash board, boards and fans. Pure.
//
// Nominal hashrate: the firmware's own figure wins (it knows the bin: bmminer `total_rateideal`,
// Braiins `Nominal MHS` per board, btminer `Factory GHS`, read in model.ts), else the
// manufacturer table (MINER_SPECS in @nodescope/shared, sources cited there), else the config.
// Chips, boards and fans per model are pyasic's model table (pyasic@0.79.0, cited per row):
// Whatsminer chip counts differ per hardware revision (M30S+ VE40 156, VG60 86), so a
// Whatsminer row matches its revision only.
import { findMinerSpec } from '@nodescope/shared';

export interface ModelLayout {
  /** chips a healthy board reports */
  chipsPerBoard: number;
  boards: number;
  /** fitted fans; 0 = the model is water/immersion cooled */
  fans: number;
  /** pyasic@0.79.0 file:lines */
  source: string;
}

const P = 'pyasic@0.79.0:pyasic/miners/device/models/';

/** Normalised model key → layout (keys as `layoutKey` makes them). */
const LAYOUTS: Record<string, ModelLayout> = {
  s9: { chipsPerBoard: 63, boards: 3, fans: 2, source: `${P}antminer/X9/S9.py:21-26` },
  t9: { chipsPerBoard: 54, boards: 3, fans: 2, source: `${P}antminer/X9/T9.py:21-26` },
  s17: { chipsPerBoard: 48, boards: 3, fans: 4, source: `${P}antminer/X17/S17.py:21-26` },
  s17pro: { chipsPerBoard: 48, boards: 3, fans: 4, source: `${P}antminer/X17/S17.py:39-44` },
  s19: { chipsPerBoard: 76, boards: 3, fans: 4, source: `${P}antminer/X19/S19.py:21-26` },
  s19pro: { chipsPerBoard: 114, boards: 3, fans: 4, source: `${P}antminer/X19/S19.py:39-44` },
  s19xp: { chipsPerBoard: 110, boards: 3, fans: 4, source: `${P}antminer/X19/S19.py:75-80` },
  s19kpro: { chipsPerBoard: 77, boards: 3, fans: 4, source: `${P}antminer/X19/S19.py:165-171` },
  s19jpro: { chipsPerBoard: 126, boards: 3, fans: 4, source: `${P}antminer/X19/S19.py:120-125` },
  s21: { chipsPerBoard: 108, boards: 3, fans: 4, source: `${P}antminer/X21/S21.py:21-26` },
  s21pro: { chipsPerBoard: 65, boards: 3, fans: 4, source: `${P}antminer/X21/S21.py:48-53` },
  s21xp: { chipsPerBoard: 91, boards: 3, fans: 4, source: `${P}antminer/X21/S21.py:66-71` },
  m30sv10: { chipsPerBoard: 148, boards: 3, fans: 2, source: `${P}whatsminer/M3X/M30S.py:6-11` },
  'm30s+ve40': { chipsPerBoard: 156, boards: 3, fans: 2, source: `${P}whatsminer/M3X/M30S_Plus.py:114-119` },
  'm30s+vg60': { chipsPerBoard: 86, boards: 3, fans: 2, source: `${P}whatsminer/M3X/M30S_Plus.py:222-227` },
  'm30s++vg40': { chipsPerBoard: 117, boards: 3, fans: 2, source: `${P}whatsminer/M3X/M30S_Plus_Plus.py:69-74` },
  m50vh50: { chipsPerBoard: 105, boards: 3, fans: 2, source: `${P}whatsminer/M5X/M50.py:60-65` },
};

/**
 * "Antminer S19 Pro" → "s19pro", "M30S+_VE40" → "m30s+ve40", "Antminer S9\nV1.3.58" handled by
 * the caller's model line. A hashrate suffix ("S19 Pro 110T") is dropped.
 */
export function layoutKey(model: string): string {
  return model
    .toLowerCase()
    .replace(/antminer|whatsminer|bitmain|microbt/g, '')
    .replace(/\(?\d+(\.\d+)?\s*t(h)?\)?\s*$/, '')
    .replace(/[^a-z0-9+]/g, '');
}

/**
 * `lookup` memoised per key: a fleet asks for every miner's model on every poll, and the answers
 * take regular expressions or a table scan (bounded: model strings come from firmware and config).
 */
export function memoByModel<T>(lookup: (model: string) => T): (model: string) => T {
  const seen = new Map<string, T>();
  return (model) => {
    if (seen.has(model)) return seen.get(model)!;
    if (seen.size >= 1_000) seen.clear();
    const value = lookup(model);
    seen.set(model, value);
    return value;
  };
}

const layoutOf = memoByModel((model) => {
  const key = layoutKey(model);
  return Object.hasOwn(LAYOUTS, key) ? LAYOUTS[key]! : null;
});

export function modelLayout(model: string | null | undefined): ModelLayout | null {
  return model ? layoutOf(model) : null;
}

export type NominalSource = 'firmware' | 'model' | 'none';

// findMinerSpec normalises every row of the spec table on each call
const specOf = memoByModel(findMinerSpec);

/** Nominal H/s of a miner: the firmware's own figure, else the spec table's. */
export function nominalHashrate(firmware: number | null | undefined, model: string | null | undefined): { hashrate: number | null; source: NominalSource } {
  if (firmware != null && firmware > 0) return { hashrate: firmware, source: 'firmware' };
  const spec = model ? specOf(model) : undefined;
  if (spec) return { hashrate: spec.terahash * 1e12, source: 'model' };
  return { hashrate: null, source: 'none' };
}
