// Screen-space grid clustering: points closer than a cell merge into one marker. Runs on every
// zoom/pan, O(n) with a Map of cells, so 10,000 peers cluster in a few milliseconds.
import KDBush from 'kdbush';

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
 * overlap, biggest first, until none do (a few passes at most). Each cluster, in size order,
 * takes the next overlapping one after the last it took (the order of a scan over all later
 * clusters), found through a k-d tree of the pass's positions instead of that O(n²) scan: at 24x
 * zoom the map has thousands of clusters and the scan was most of a zoom redraw.
 */
export function mergeOverlapping(clusters: Cluster[], radius: (count: number) => number): Cluster[] {
  let current = clusters;
  for (let pass = 0; pass < 4 && current.length > 1; pass++) {
    const sorted = [...current].sort((a, b) => b.members.length - a.members.length);
    const n = sorted.length;
    // a later cluster is unchanged until its own turn, so its radius holds for the whole pass
    const radii = new Float64Array(n);
    let maxRadius = 0;
    const index = new KDBush(n);
    for (let i = 0; i < n; i++) {
      radii[i] = radius(sorted[i]!.members.length);
      maxRadius = Math.max(maxRadius, radii[i]!);
      index.add(sorted[i]!.x, sorted[i]!.y);
    }
    index.finish();
    const gone = new Uint8Array(n);
    let merged = false;
    for (let i = 0; i < n; i++) {
      if (gone[i]) continue;
      const a = sorted[i]!;
      let last = i;
      for (;;) {
        // the first later cluster, after the last merged, that overlaps `a` as it is now
        const reach = radius(a.members.length);
        let next = -1;
        for (const j of index.within(a.x, a.y, reach + maxRadius)) {
          if (j <= last || gone[j] || (next >= 0 && j >= next)) continue;
          const b = sorted[j]!;
          if (Math.hypot(a.x - b.x, a.y - b.y) < reach + radii[j]!) next = j;
        }
        if (next < 0) break;
        const b = sorted[next]!;
        const count = a.members.length + b.members.length;
        a.x = (a.x * a.members.length + b.x * b.members.length) / count;
        a.y = (a.y * a.members.length + b.y * b.members.length) / count;
        a.members = a.members.concat(b.members);
        a.categories = a.categories.map((c, k) => c + (b.categories[k] ?? 0));
        gone[next] = 1;
        merged = true;
        last = next;
      }
    }
    current = sorted.filter((_c, i) => !gone[i]);
    if (!merged) break;
  }
  return current;
}
