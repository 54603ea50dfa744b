import { describe, expect, it } from 'vitest';
import { clusterPoints, clusterRadius, dominant, mergeOverlapping } from './cluster';

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
