import { describe, expect, it } from 'vitest';
import { CircuitOpenError, combineHealth, UpstreamHealth, worstStatus } from './circuit.js';

describe('UpstreamHealth', () => {
  it('opens after the threshold, fails fast, then half-opens for one probe', async () => {
    let now = 0;
    const health = new UpstreamHealth('rpc', { failureThreshold: 3, openMs: 1_000, now: () => now });
    expect(health.snapshot().status).toBe('starting');
    let calls = 0;
    const failing = () => {
      calls++;
      return Promise.reject(new Error('ECONNREFUSED'));
    };
    await expect(health.call(failing)).rejects.toThrow('ECONNREFUSED');
    expect(health.snapshot()).toMatchObject({ status: 'degraded', circuit: 'closed' });
    await expect(health.call(failing)).rejects.toThrow();
    await expect(health.call(failing)).rejects.toThrow();
    expect(health.snapshot()).toMatchObject({ status: 'down', circuit: 'open', message: 'ECONNREFUSED' });
    await expect(health.call(failing)).rejects.toBeInstanceOf(CircuitOpenError);
    expect(calls).toBe(3);
    now = 1_000;
    expect(health.circuit).toBe('half-open');
    await expect(health.call(async () => 'ok')).resolves.toBe('ok');
    expect(health.snapshot()).toMatchObject({ status: 'ok', circuit: 'closed', lastSuccess: 1_000 });
  });

  it('a failed probe re-opens the circuit', async () => {
    let now = 0;
    const health = new UpstreamHealth('rpc', { failureThreshold: 1, openMs: 100, now: () => now });
    await expect(health.call(() => Promise.reject(new Error('x')))).rejects.toThrow();
    now = 100;
    await expect(health.call(() => Promise.reject(new Error('still down')))).rejects.toThrow('still down');
    expect(health.circuit).toBe('open');
  });

  it('probes at once when the clock steps back while open, instead of staying open for the step', async () => {
    let now = 10_000_000;
    const health = new UpstreamHealth('rpc', { failureThreshold: 1, openMs: 5_000, now: () => now });
    await expect(health.call(() => Promise.reject(new Error('down')))).rejects.toThrow();
    expect(health.circuit).toBe('open');
    now -= 3_600_000;
    expect(health.circuit).toBe('half-open');
    await expect(health.call(async () => 'ok')).resolves.toBe('ok');
    expect(health.circuit).toBe('closed');
    // and a step forward ends the open time early, as elapsed time would
    await expect(health.call(() => Promise.reject(new Error('down')))).rejects.toThrow();
    now += 3_600_000;
    expect(health.circuit).toBe('half-open');
  });

  it('shows a status the upstream reports while answering', () => {
    const health = new UpstreamHealth('rpc');
    health.success();
    health.report('starting', 'Loading block index…');
    expect(health.snapshot()).toMatchObject({ status: 'starting', message: 'Loading block index…' });
    health.report(null);
    expect(health.snapshot().status).toBe('ok');
  });
});

describe('combineHealth / worstStatus', () => {
  it('degrades the source when a side component fails', () => {
    const main = { status: 'ok' as const, message: 'ok', lastSuccess: 1 };
    const zmq = { status: 'down' as const, message: 'no messages', lastSuccess: null };
    expect(combineHealth(main, { zmq })).toMatchObject({ status: 'degraded', message: 'zmq: no messages' });
  });
  it.each([
    [[], 'ok'],
    [['ok', 'ok'], 'ok'],
    [['ok', 'down'], 'degraded'],
    [['starting'], 'degraded'],
    [['down', 'down'], 'down'],
  ] as const)('%j -> %s', (statuses, expected) => {
    expect(worstStatus([...statuses])).toBe(expected);
  });
});
