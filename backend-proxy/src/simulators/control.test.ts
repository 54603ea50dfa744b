import { afterEach, describe, expect, it } from 'vitest';
import { faultRoute, startControlServer } from './control.js';

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});

describe('POST /fault (faultRoute)', () => {
  it('applies a listed fault with its target (default all, default fault none) and refuses others with 400', async () => {
    const applied: unknown[] = [];
    const control = await startControlServer({
      post: {
        fault: faultRoute(
          ['none', 'down', 'slow'] as const,
          async (fault, target, body) => void applied.push([fault, target, body.delayMs])
        ),
      },
    });
    closers.push(() => control.close());
    const post = async (body: unknown) => {
      const res = await fetch(control.url('/fault'), { method: 'POST', body: JSON.stringify(body) });
      return [res.status, await res.json()];
    };
    expect(await post({ fault: 'slow', delayMs: 10 })).toEqual([200, { fault: 'slow', target: 'all' }]);
    expect(await post({ fault: 'down', target: 'rpc' })).toEqual([200, { fault: 'down', target: 'rpc' }]);
    expect(await post({})).toEqual([200, { fault: 'none', target: 'all' }]);
    expect(await post({ fault: 'toString' })).toEqual([400, { error: 'fault must be one of none, down, slow' }]);
    expect(applied).toEqual([
      ['slow', 'all', 10],
      ['down', 'rpc', undefined],
      ['none', 'all', undefined],
    ]);
  });
});
