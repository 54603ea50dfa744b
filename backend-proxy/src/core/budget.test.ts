import { describe, expect, it } from 'vitest';
import { BudgetExceededError, ConcurrencyLimit, UpstreamBudget, chargeUpstream, withBudget } from './budget.js';

describe('UpstreamBudget', () => {
  it('charges the budget of the request whose work it is, across awaits, and nothing outside one', async () => {
    const a = new UpstreamBudget(5);
    const b = new UpstreamBudget(100);
    const work = async (n: number) => {
      await new Promise((resolve) => setTimeout(resolve, 1));
      chargeUpstream(n, 'x');
    };
    await Promise.all([withBudget(a, () => work(3)), withBudget(b, () => work(50))]);
    expect([a.used, b.used]).toEqual([3, 50]);
    await expect(withBudget(a, () => work(3))).rejects.toBeInstanceOf(BudgetExceededError);
    expect(() => chargeUpstream(1_000_000, 'poller')).not.toThrow();
  });

  it('keeps charging a request that outlives another (the storage is only turned off when none runs)', async () => {
    const short = new UpstreamBudget(10);
    const long = new UpstreamBudget(10);
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const late = withBudget(long, async () => {
      chargeUpstream(1, 'first');
      await gate;
      await new Promise((resolve) => setTimeout(resolve, 1));
      chargeUpstream(2, 'after the other request ended');
    });
    await withBudget(short, async () => chargeUpstream(4, 'short'));
    release();
    await late;
    expect([short.used, long.used]).toEqual([4, 3]);
    // and on again for the next request, after every one had ended
    const next = new UpstreamBudget(1);
    await expect(withBudget(next, async () => {
      await new Promise((resolve) => setTimeout(resolve, 1));
      chargeUpstream(2, 'x');
    })).rejects.toBeInstanceOf(BudgetExceededError);
    expect(next.used).toBe(2);
  });
});

describe('ConcurrencyLimit', () => {
  it('runs at most `limit` tasks at once, the rest in arrival order', async () => {
    const limit = new ConcurrencyLimit(2);
    let running = 0;
    let most = 0;
    const order: number[] = [];
    await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        limit.run(async () => {
          running++;
          most = Math.max(most, running);
          await new Promise((resolve) => setTimeout(resolve, 5));
          order.push(i);
          running--;
        })
      )
    );
    expect(most).toBe(2);
    expect(order).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('frees the slot when a task fails', async () => {
    const limit = new ConcurrencyLimit(1);
    await expect(limit.run(async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(limit.run(async () => 'ok')).resolves.toBe('ok');
  });
});
