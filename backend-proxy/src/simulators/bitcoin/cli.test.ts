import { describe, expect, it } from 'vitest';
import { optionsFromArgs } from './cli.js';

describe('simulator CLI arguments', () => {
  it('maps flags to simulator options', () => {
    const cli = optionsFromArgs([
      '--network',
      'mainnet',
      '--port',
      '18443',
      '--zmq-port',
      '0',
      '--tx-per-second',
      '50',
      '--block-interval-ms',
      '600000',
      '--datadir',
      '/tmp/x',
      '--auth',
      'alice:pa:ss',
      '--control-port',
      '0',
      '--electrs-port',
      '4224',
      '--electrum-lag',
      '2',
    ]);
    expect(cli.simulator).toEqual({
      network: 'mainnet',
      port: 18443,
      zmqPort: 0,
      txPerSecond: 50,
      blockIntervalMs: 600000,
      datadir: '/tmp/x',
      auth: { user: 'alice', password: 'pa:ss' },
      controlPort: 0,
    });
    expect(cli).toMatchObject({ electrsPort: 4224, electrumLag: 2 });
    expect(cli.fulcrumPort).toBeUndefined();
  });

  it('defaults to no ZMQ and refuses bad values', () => {
    expect(optionsFromArgs([]).simulator).toEqual({ zmqPort: null });
    expect(() => optionsFromArgs(['--network', 'litecoin'])).toThrow(/--network must be one of/);
    expect(() => optionsFromArgs(['--port=-1'])).toThrow(/--port must be a non-negative integer/);
    expect(() => optionsFromArgs(['--peers', 'many'])).toThrow(/--peers must be a non-negative integer/);
    expect(() => optionsFromArgs(['--auth', 'nopassword'])).toThrow(/user:password/);
    expect(() => optionsFromArgs(['--bogus'])).toThrow();
  });
});
