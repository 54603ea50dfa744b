import { describe, expect, it } from 'vitest';
import { type Cluster, clusterPoints, clusterRadius, dominant, mergeOverlapping } from './cluster';

const input = (points: Array<[number, number, number]>) => ({
  x: Float64Array.from(points.map((p) => p[0])),
  y: Float64Array.from(points.map((p) => p[1])),
  category: Uint8Array.from(points.map((p) => p[2])),
});

describe('clusterPoints', () => {
  it('merges points in one grid cell and keeps categories', () => {
    const clusters = clusterPoints(input([[1, 1, 0], [5, 5, 1], [9, 9, 1], [100, 100, 0]]), 20, 2);
    expect(clusters).toHaveLength(2);
    const big = clusters.find((c) => c.members.length === 3)!;
    expect(big.categories).toEqual([1, 2]);
    expect(big.x).toBeCloseTo(5);
    expect(dominant(big.categories)).toBe(1);
  });

  it('one marker per point when clustering is off', () => {
    expect(clusterPoints(input([[1, 1, 0], [1, 1, 0]]), 20, 1, false)).toHaveLength(2);
  });

  it('10,000 points cluster into far fewer markers', () => {
    const points: Array<[number, number, number]> = Array.from({ length: 10_000 }, (_v, i) => [(i * 37) % 1000, (i * 91) % 500, i % 3]);
    const clusters = clusterPoints(input(points), 40, 3);
    expect(clusters.length).toBeLessThan(400);
    expect(clusters.reduce((s, c) => s + c.members.length, 0)).toBe(10_000);
  });
});

describe('mergeOverlapping', () => {
  it('merges clusters whose discs overlap across a cell edge', () => {
    const grid = clusterPoints(input([[19, 10, 0], [21, 10, 0], [200, 10, 1]]), 20, 2);
    expect(grid).toHaveLength(3);
    const merged = mergeOverlapping(grid, (n) => clusterRadius(n, 4));
    expect(merged).toHaveLength(2);
    expect(merged.map((c) => c.members.length).sort()).toEqual([1, 2]);
  });

  // the scan it replaces: every later cluster against `a` as it is after the merges before
  function scanMerge(clusters: Cluster[], radius: (count: number) => number): Cluster[] {
    let current = clusters;
    for (let pass = 0; pass < 4; pass++) {
      const sorted = [...current].sort((a, b) => b.members.length - a.members.length);
      const gone = new Uint8Array(sorted.length);
      let merged = false;
      for (let i = 0; i < sorted.length; i++) {
        if (gone[i]) continue;
        const a = sorted[i]!;
        for (let j = i + 1; j < sorted.length; j++) {
          const b = sorted[j]!;
          if (gone[j] || Math.hypot(a.x - b.x, a.y - b.y) >= radius(a.members.length) + radius(b.members.length)) continue;
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

  it.each([
    [10, 2_000, 14],
    [20, 10_000, 30],
    [6, 10_000, 200],
  ])('gives what a scan over all pairs gives (cell %d px, %d points, %d hotspots)', (cell, count, spots) => {
    // points crowded around hotspots, as peers crowd around cities: chains of merges happen
    let seed = count + spots;
    const random = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648) / 2_147_483_648);
    const centres = Array.from({ length: spots }, () => [random() * 1200, random() * 560]);
    const points = Array.from({ length: count }, (_v, i): [number, number, number] => {
      const [cx, cy] = centres[i % spots]!;
      return [cx! + (random() - 0.5) * 120 * random(), cy! + (random() - 0.5) * 80 * random(), i % 3];
    });
    const radius = (n: number) => clusterRadius(n, 4) + 1;
    const expected = scanMerge(clusterPoints(input(points), cell, 3), radius);
    const merged = mergeOverlapping(clusterPoints(input(points), cell, 3), radius);
    expect(merged.length).toBeGreaterThan(1);
    expect(merged.length).toBeLessThan(clusterPoints(input(points), cell, 3).length);
    expect(merged).toEqual(expected);
  });
});

describe('clusterRadius', () => {
  it.each([
    [1, 4],
    [2, 9.6],
    [1024, 33],
  ])('%d peers -> %d px', (count, r) => {
    expect(clusterRadius(count, 4)).toBeCloseTo(r);
  });
});
