import { describe, expect, it, vi } from 'vitest';
import { HistoryStore } from '../../core/history.js';
import { FleetPoller } from './poller.js';

function poller(jitterMs: number, random: () => number, concurrency = 1) {
  const p = new FleetPoller({
    sourceId: 't',
    client: { connectTimeoutMs: 50, timeoutMs: 50 },
    concurrency,
    jitterMs,
    historySize: 10,
    history: new HistoryStore(),
    now: () => 1_000,
    random,
  });
  for (let i = 1; i <= 4; i++) p.add({ host: '127.0.0.1', port: i, name: `m${i}` });
  return p;
}

describe('FleetPoller jitter', () => {
  it('polls miners in the order of their random offsets', async () => {
    const offsets = [0.9, 0.1, 0.6, 0.3];
    let call = 0;
    const p = poller(4, () => offsets[call++]!);
    const order: string[] = [];
    vi.spyOn(p, 'pollOne').mockImplementation(async (record) => {
      order.push(record.name);
    });
    await p.pollAll();
    expect(order).toEqual(['m2', 'm4', 'm3', 'm1']);
  });

  it('without jitter keeps the configured order and shares one running cycle between callers', async () => {
    const p = poller(0, () => 0.5, 2);
    const spy = vi.spyOn(p, 'pollOne').mockImplementation(async () => undefined);
    await Promise.all([p.pollAll(), p.pollAll()]);
    expect(spy.mock.calls.map(([r]) => r.name)).toEqual(['m1', 'm2', 'm3', 'm4']);
    expect(p.lastCycle?.at).toBe(1_000);
    // a call after the cycle settled starts the next one
    await p.pollAll();
    expect(spy).toHaveBeenCalledTimes(8);
  });
});
