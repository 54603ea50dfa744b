// host.health: one row per bitcoin/stacks/geth source, the datadir columns from its host block
// (statfs of a folder of this test, checked against coreutils stat -f) and, for bitcoind, its
// clock offset and size_on_disk, over the real sockets of the simulators.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { frameColumn, type DataFrameJSON } from '@nodescope/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { parseConfig } from '../src/config/load.js';
import { startGethSimulator } from '../src/simulators/geth/index.js';
import { bitcoinSourceState } from '../src/sources/bitcoin/index.js';
import { createSource } from '../src/sources/registry.js';
import { simulatorRpc, startRegtestSimulator } from './bitcoinHarness.js';
import { cleanupAfterEach, createTestContext, queryInput } from './helpers.js';

const cleanups = cleanupAfterEach();
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'nodescope-host-health-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const col = (frame: DataFrameJSON, name: string) => frameColumn(frame, name)?.[0];
const now = () => Date.now();
const input = () => queryInput({ from: now() - 60_000, to: now() });

describe('host.health', () => {
  it('bitcoin with a host block: datadir columns as stat -f reads them, clock offset and size_on_disk from bitcoind', async () => {
    const sim = await startRegtestSimulator(cleanups, { peers: 10 });
    sim.setFault({ kind: 'clockSkew', seconds: -7 });
    const config = parseConfig(
      stringify({
        sources: [
          {
            id: 'btc',
            kind: 'bitcoin',
            network: 'regtest',
            rpc: simulatorRpc(sim),
            host: { datadir: dir, minFreeShare: 0 },
          },
        ], // this machine's free space must not decide the test
      }),
      'h.yaml',
      {}
    );
    const source = createSource(config.sources[0]!, createTestContext());
    cleanups.push(() => source.stop());
    await source.start();
    await expect.poll(() => source.health().components?.disk?.status).toBe('ok');
    await bitcoinSourceState(source)!.pollFast();
    const [frame] = await source.queries['host.health']!(input());
    expect(frame!.schema.name).toBe('host.health');
    expect(frame!.schema.fields.map((f) => f.name)).toEqual([
      'time',
      'datadir_status',
      'datadir_message',
      'datadir_size_bytes',
      'datadir_avail_bytes',
      'datadir_free_ratio',
      'datadir_growth_bytes_per_day',
      'datadir_days_until_full',
      'memory_total_bytes',
      'memory_available_bytes',
      'clock_offset_seconds',
      'size_on_disk_bytes',
      'size_on_disk_growth_bytes_per_day',
      'bitcoind_malloc_held_bytes',
      'bitcoind_malloc_in_use_bytes',
    ]);
    const [bsize, blocks] = execFileSync('stat', ['-f', '-c', '%S %b', dir], { encoding: 'utf8' })
      .trim()
      .split(' ')
      .map(Number);
    expect(col(frame!, 'datadir_size_bytes')).toBe(bsize! * blocks!);
    expect(col(frame!, 'datadir_status')).toBe('ok');
    // one sample: no growth, so no days
    expect(col(frame!, 'datadir_growth_bytes_per_day')).toBeNull();
    expect(col(frame!, 'datadir_days_until_full')).toBeNull();
    expect(col(frame!, 'clock_offset_seconds')).toBe(-7);
    expect(col(frame!, 'memory_total_bytes')).toBe(
      Number(/^MemTotal:\s+(\d+) kB$/m.exec(readFileSync('/proc/meminfo', 'utf8'))![1]) * 1024
    );
    const info = await fetch(sim.rpcUrl, {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from(sim.credentials()).toString('base64')}` },
      body: JSON.stringify({ id: 1, method: 'getblockchaininfo', params: [] }),
    }).then(async (r) => ((await r.json()) as { result: { size_on_disk: number } }).result);
    expect(col(frame!, 'size_on_disk_bytes')).toBe(info.size_on_disk);
  });

  it('geth without a host block: the row says the datadir is not configured, no disk component', async () => {
    const geth = await startGethSimulator({});
    cleanups.push(() => geth.close());
    const config = parseConfig(
      stringify({ sources: [{ id: 'eth', kind: 'geth', rpcUrl: geth.rpcUrl }] }),
      'h.yaml',
      {}
    );
    const source = createSource(config.sources[0]!, createTestContext());
    const [frame] = await source.queries['host.health']!(input());
    expect(col(frame!, 'datadir_status')).toBe('not configured');
    expect(col(frame!, 'datadir_avail_bytes')).toBeNull();
    expect(col(frame!, 'memory_available_bytes')).toBeNull();
    expect(source.health().components?.disk).toBeUndefined();
  });
});
