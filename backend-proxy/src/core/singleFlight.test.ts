import { describe, expect, it } from 'vitest';
import { SingleFlight } from './singleFlight.js';

describe('SingleFlight', () => {
  it('callers during a run share it; the next call after it settles starts a new run', async () => {
    const flight = new SingleFlight<number>();
    let started = 0;
    let release: (value: number) => void = () => undefined;
    const task = () => {
      started++;
      return new Promise<number>((resolve) => (release = resolve));
    };
    const a = flight.run(task);
    const b = flight.run(task);
    expect(b).toBe(a);
    expect(flight.inFlight).toBe(a);
    release(7);
    expect(await Promise.all([a, b])).toEqual([7, 7]);
    expect(started).toBe(1);
    expect(flight.inFlight).toBeNull();
    const c = flight.run(task);
    expect(started).toBe(2);
    release(8);
    expect(await c).toBe(8);
  });

  it('a failed run reaches its callers, settled() does not throw, and the next call runs again', async () => {
    const flight = new SingleFlight<void>();
    const failing = flight.run(() => Promise.reject(new Error('down')));
    const settled = flight.settled();
    await expect(failing).rejects.toThrow('down');
    await expect(settled).resolves.toBeUndefined();
    await expect(flight.run(async () => undefined)).resolves.toBeUndefined();
    await expect(new SingleFlight().settled()).resolves.toBeUndefined();
  });

  it('a task that calls run() again before its first await joins its own run (one task, one run)', async () => {
    const flight = new SingleFlight<number>();
    let started = 0;
    let inner: Promise<number> | null = null;
    const task = async (): Promise<number> => {
      started++;
      inner = flight.run(task); // synchronously, before any await: must not start a second task
      await Promise.resolve();
      return started;
    };
    const outer = flight.run(task);
    expect(inner).toBe(outer);
    expect(await outer).toBe(1);
    expect(started).toBe(1);
    expect(flight.inFlight).toBeNull();
  });

  it('a task that throws before returning a promise rejects its callers and leaves no run behind', async () => {
    const flight = new SingleFlight<void>();
    await expect(
      flight.run(() => {
        throw new Error('sync');
      }),
    ).rejects.toThrow('sync');
    expect(flight.inFlight).toBeNull();
  });
});
