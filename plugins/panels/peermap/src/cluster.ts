// Screen-space grid clustering: points closer than a cell merge into one marker. Runs on every
// zoom/pan, O(n) with a Map of cells, so 10,000 peers cluster in a few milliseconds.
export interface ClusterInput {
  x: Float64Array;
  y: Float64Array;
  /** category index per point (colour) */
  category: Uint8Array;
}

export interface Cluster {
  x: number;
  y: number;
  /** indexes of the points */
  members: number[];
  /** points per category */
  categories: number[];
}

export function clusterPoints(input: ClusterInput, cell: number, categoryCount: number, enabled = true): Cluster[] {
  const n = input.x.length;
  const clusters: Cluster[] = [];
  if (!enabled || cell <= 0) {
    for (let i = 0; i < n; i++) {
      const categories = new Array<number>(categoryCount).fill(0);
      categories[input.category[i]!]! += 1;
      clusters.push({ x: input.x[i]!, y: input.y[i]!, members: [i], categories });
    }
    return clusters;
  }
  const cells = new Map<number, Cluster & { sx: number; sy: number }>();
  for (let i = 0; i < n; i++) {
    const gx = Math.floor(input.x[i]! / cell);
    const gy = Math.floor(input.y[i]! / cell);
    const key = gx * 100_003 + gy;
    let c = cells.get(key);
    if (!c) {
      c = { x: 0, y: 0, sx: 0, sy: 0, members: [], categories: new Array<number>(categoryCount).fill(0) };
      cells.set(key, c);
    }
    c.sx += input.x[i]!;
    c.sy += input.y[i]!;
    c.members.push(i);
    c.categories[input.category[i]!]! += 1;
  }
  for (const c of cells.values()) {
    clusters.push({ x: c.sx / c.members.length, y: c.sy / c.members.length, members: c.members, categories: c.categories });
  }
  return clusters;
}

/** Marker radius of a cluster: grows with the log of its size. */
export function clusterRadius(count: number, base: number): number {
  return count <= 1 ? base : base + 3 + 2.6 * Math.log2(count);
}

/** Category with the most points. */
export function dominant(categories: number[]): number {
  let best = 0;
  for (let i = 1; i < categories.length; i++) if (categories[i]! > categories[best]!) best = i;
  return best;
}
