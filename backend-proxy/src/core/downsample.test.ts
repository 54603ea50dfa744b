import { describe, expect, it } from 'vitest';
import { averageRuns, pickEvenly } from './downsample.js';

describe('downsample', () => {
  const rows = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];

  it('pickEvenly keeps the newest row and a stride of 10/4 = 2.5 back from it', () => {
    // i = 9, 6.5, 4, 1.5 -> rows 9, 6, 4, 1
    expect(pickEvenly(rows, 4)).toEqual([1, 4, 6, 9]);
  });

  it("pickEvenly 'oldest' keeps the first row and a stride of 2.5 on from it", () => {
    // i = 0, 2.5, 5, 7.5 -> rows 0, 2, 5, 7
    expect(pickEvenly(rows, 4, 'oldest')).toEqual([0, 2, 5, 7]);
  });

  it('pickEvenly leaves short series and max <= 0 alone', () => {
    expect(pickEvenly(rows, 10)).toBe(rows);
    expect(pickEvenly(rows, 0)).toBe(rows);
  });

  it('averageRuns averages equal runs, time = the run\'s last', () => {
    expect(averageRuns({ time: [1, 2, 3, 4, 5], values: [[10, 20, 30, 40, 50]] }, 2)).toEqual({ time: [3, 5], values: [[20, 45]] });
    const same = { time: [1, 2], values: [[1, 2]] };
    expect(averageRuns(same, 10)).toBe(same);
  });
});
