// mempool.space's fee-rate band edges (sat/vB), the lower bound of each band; the last band is
// open-ended. Shared by the proxy's histogram, the Prometheus `band` label and the panel.
export const FEE_BAND_EDGES = [
  0, 1, 2, 3, 4, 5, 6, 8, 10, 12, 15, 20, 30, 40, 50, 60, 70, 80, 90, 100, 125, 150, 175, 200, 250, 300, 350, 400, 500,
  600, 700, 800, 900, 1000, 1200, 1400, 1600, 1800, 2000,
] as const;

/** Index of the band a fee rate falls in (binary search over the lower edges). */
export function feeBandIndex(feeRate: number): number {
  if (!(feeRate >= 0)) return 0;
  let lo = 0;
  let hi = FEE_BAND_EDGES.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (FEE_BAND_EDGES[mid]! <= feeRate) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** Human label of a band, e.g. `10-12` or `2000+`; also the Prometheus `band` label value. */
export function feeBandLabel(index: number): string {
  const lower = FEE_BAND_EDGES[index];
  const upper = FEE_BAND_EDGES[index + 1];
  if (lower === undefined) throw new RangeError(`no fee band ${index}`);
  return upper === undefined ? `${lower}+` : `${lower}-${upper}`;
}
