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

/**
 * Grid cells can leave two clusters overlapping across a cell edge; merge any two whose discs
 * overlap, biggest first, until none do (a few passes at most).
 */
export function mergeOverlapping(clusters: Cluster[], radius: (count: number) => number): Cluster[] {
  let current = clusters;
  for (let pass = 0; pass < 4; pass++) {
    const sorted = [...current].sort((a, b) => b.members.length - a.members.length);
    const gone = new Uint8Array(sorted.length);
    let merged = false;
    for (let i = 0; i < sorted.length; i++) {
      if (gone[i]) continue;
      const a = sorted[i]!;
      for (let j = i + 1; j < sorted.length; j++) {
        if (gone[j]) continue;
        const b = sorted[j]!;
        if (Math.hypot(a.x - b.x, a.y - b.y) >= radius(a.members.length) + radius(b.members.length)) continue;
        const n = a.members.length + b.members.length;
        a.x = (a.x * a.members.length + b.x * b.members.length) / n;
        a.y = (a.y * a.members.length + b.y * b.members.length) / n;
        a.members = a.members.concat(b.members);
        a.categories = a.categories.map((c, k) => c + (b.categories[k] ?? 0));
        gone[j] = 1;
        merged = true;
      }
    }
    current = sorted.filter((_c, i) => !gone[i]);
    if (!merged) break;
  }
  return current;
}
