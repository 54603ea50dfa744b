import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { createTestContext } from '../../test/helpers.js';
import { parseConfig } from '../config/load.js';
import { createSource } from './registry.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'nodescope-host-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const parse = (source: Record<string, unknown>) => parseConfig(stringify({ sources: [source] }), 'host.yaml', {});

describe('a source with a host block watches its datadir', () => {
  it('geth: a disk component joins its health once the datadir is read; none without the block', async () => {
    const config = parse({
      id: 'eth',
      kind: 'geth',
      rpcUrl: 'http://127.0.0.1:1',
      host: { datadir: dir, minFreeShare: 0 },
    });
    const ctx = createTestContext();
    const source = createSource(config.sources[0]!, ctx);
    expect(source.health().components?.disk?.status).toBe('starting');
    await source.start();
    await expect.poll(() => source.health().components?.disk?.status).toBe('ok');
    expect(source.health().components!.disk!.message).toMatch(
      /^\d+\.\d GB free \(\d+\.\d %\) of \d+\.\d GB; growth not known yet$/
    );
    expect(await ctx.metrics.registry.metrics()).toMatch(/nodescope_datadir_avail_bytes\{source="eth"\} \d+/);
    await source.stop();

    const plain = createSource(
      parse({ id: 'eth2', kind: 'geth', rpcUrl: 'http://127.0.0.1:1' }).sources[0]!,
      createTestContext()
    );
    expect(plain.health().components?.disk).toBeUndefined();
  });

  it('a share above 1 or an empty datadir is refused with the field named', () => {
    expect(() => parse({ id: 'btc', kind: 'bitcoin', host: { datadir: dir, minFreeShare: 2 } })).toThrow(
      /host\.minFreeShare/
    );
    expect(() => parse({ id: 'stx', kind: 'stacks', host: { datadir: '' } })).toThrow(/host\.datadir/);
    expect(() => parse({ id: 'btc', kind: 'bitcoin', host: { datadir: dir, bogus: 1 } })).toThrow(/bogus/);
  });

  it('the defaults: 10 % free, 7 days, a sample a minute, a 24 h fit; bitcoin clock limit 30 s', () => {
    const source = parse({ id: 'btc', kind: 'bitcoin', host: { datadir: dir } }).sources[0]!;
    expect(source.kind === 'bitcoin' && source.host).toEqual({
      datadir: dir,
      minFreeShare: 0.1,
      fullWithinDays: 7,
      sampleSeconds: 60,
      trendHours: 24,
    });
    expect(source.kind === 'bitcoin' && source.maxClockOffsetSeconds).toBe(30);
  });
});
