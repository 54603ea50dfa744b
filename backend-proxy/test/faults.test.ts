// Fault matrix: one proxy over a simulator of every upstream, and for every source kind every
// fault its simulator can inject (down, slow, warm-up, overload, malformed and broken payloads,
// ZMQ silence and gaps, reorg, restart, credential rotation, hot boards, dead fans, …). Each row
// checks, with bounded waits only, that the proxy
//   1. reports the fault in /api/health (the source's status/message or a component) and in the
//      affected frames (a query error, a notice, or the field that shows it),
//   2. keeps serving every other source (their probe queries still answer without error),
//   3. recovers by itself once the fault is cleared (health ok, the probe query answers).
// Detection and recovery times are printed as a markdown table at the end (the README's
// "Fault matrix" section is that table from one run); they are figures, not assertions.
import { mkdtempSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { parseConfig } from '../src/config/load.js';
import { startServer } from '../src/http/server.js';
import type { MarketFault } from '../src/simulators/market/index.js';
import { startSimulatedStack, type SimulatedStack } from '../src/simulators/stack.js';
import { LogCapture, tempDir, waitFor } from './helpers.js';

interface Health {
  id: string;
  kind: string;
  status: string;
  message: string;
  circuit?: string;
  components?: Record<string, { status: string; message: string }>;
}
interface Frame {
  schema: {
    name?: string;
    fields: Array<{ name: string }>;
    meta?: { notices?: Array<{ severity: string; text: string }> };
  };
  data: { values: unknown[][] };
}
interface Result {
  frames?: Frame[];
  error?: string;
  status: number;
}
interface Probe {
  query: string;
  params?: Record<string, unknown>;
}

/** What a row's predicates can use. */
interface RowContext {
  stack: SimulatedStack;
  query(sourceId: string, probe: Probe): Promise<Result>;
  metrics(): Promise<string>;
  /** values a row remembers between inject and its predicates */
  memo: Record<string, unknown>;
}

interface FaultRow {
  kind: string;
  source: string;
  fault: string;
  /** the frame that must show the fault */
  probe: Probe;
  inject(ctx: RowContext): Promise<void> | void;
  clear(ctx: RowContext): Promise<void> | void;
  /** how /api/health shows it; null: the fault is transient by nature and health rightly stays ok */
  health: ((h: Health) => boolean) | null;
  /** how the probe frame (or a related query) shows it */
  frames: (result: Result, ctx: RowContext) => boolean | Promise<boolean>;
  /** what the table says is seen */
  seen: string;
  /** extra recovery condition beyond health ok + probe without error */
  recovered?: (result: Result, ctx: RowContext) => boolean | Promise<boolean>;
  /** allow more time to detect (stall thresholds have a 10-12 s floor in config) */
  detectMs?: number;
}

/**
 * The rows of a source whose simulator takes each fault by name (`setFault(fault, options)`) and
 * clears with 'none'. A stalled head is detected only after the stall threshold's floor (12 s)
 * and a poll, so it gets 25 s.
 */
function faultRowsByName<F extends string, O>(
  kind: string,
  source: string,
  simulator: (stack: SimulatedStack) => { setFault: (fault: F | 'none', options?: O) => Promise<void> },
  options: O,
  rows: ReadonlyArray<readonly [F, Probe, FaultRow['health'], FaultRow['frames'], string]>
): FaultRow[] {
  return rows.map(([fault, probe, health, frames, seen]) => ({
    kind,
    source,
    fault,
    probe,
    inject: ({ stack }) => simulator(stack).setFault(fault, options),
    clear: ({ stack }) => simulator(stack).setFault('none'),
    health,
    frames,
    seen,
    ...(fault === 'stalled' ? { detectMs: 25_000 } : {}),
  }));
}

// ---- frame helpers ----
const field = (result: Result, name: string, frame = 0): unknown[] => {
  const f = result.frames?.[frame];
  const index = f?.schema.fields.findIndex((x) => x.name === name) ?? -1;
  return index >= 0 ? (f!.data.values[index] ?? []) : [];
};
const first = (result: Result, name: string): unknown => field(result, name)[0];
const failed = (result: Result): boolean => result.status >= 400 || typeof result.error === 'string';
const answered = (result: Result): boolean =>
  result.status === 200 && !result.error && (result.frames?.length ?? 0) > 0;
const notices = (result: Result): string =>
  (result.frames ?? [])
    .flatMap((f) => f.schema.meta?.notices ?? [])
    .map((n) => n.text)
    .join(' | ');
const healthText = (h: Health): string =>
  [
    h.status,
    h.message,
    ...Object.entries(h.components ?? {}).map(([name, c]) => `${name}:${c.status}:${c.message}`),
  ].join(' | ');
const notOk = (h: Health): boolean => h.status !== 'ok';
const says =
  (pattern: RegExp) =>
  (h: Health): boolean =>
    h.status !== 'ok' && pattern.test(healthText(h));

// an Antminer (bmminer): its stats carry temperatures and fans
const MINER = 1;
const minerRow = (result: Result, name: string, ctx: RowContext): unknown => {
  const minerName = ctx.stack.fleet.miners[MINER]!.name;
  const index = field(result, 'miner').indexOf(minerName);
  return index >= 0 ? field(result, name)[index] : undefined;
};

/** The miner's series of a `mining_*` family on /metrics. */
const minerMetric = async (ctx: RowContext, family: string): Promise<number> => {
  const name = ctx.stack.fleet.miners[MINER]!.name;
  const line = (await ctx.metrics()).split('\n').find((l) => l.startsWith(`${family}{`) && l.includes(`"${name}"`));
  return Number(line?.split(' ').pop() ?? NaN);
};

/** A value of a miner row the moment the fault goes in, to compare against. */
const rememberMiner = async (ctx: RowContext, name: string) => {
  ctx.memo[name] = minerRow(await ctx.query('farm-a', { query: 'miners' }), name, ctx);
};

const CHAIN_INFO = { query: 'chain.info' };
const HOST_HEALTH = { query: 'host.health' };
/** btc-main's host.datadir: a folder the datadir row moves away and back */
const WATCHED_DATADIR = mkdtempSync(join(tmpdir(), 'nodescope-faults-datadir-'));
const ELECTRUM_STATS = { query: 'electrum.stats' };
const PRICE_APIS = ['coingecko', 'coincap'] as const;

const ROWS: FaultRow[] = [
  // ---- bitcoind ----
  {
    kind: 'bitcoin',
    source: 'btc-main',
    fault: 'down (connection refused)',
    probe: CHAIN_INFO,
    inject: async ({ stack }) => {
      stack.bitcoin.setFault({ kind: 'down' });
      await stack.bitcoin.faultApplied();
    },
    clear: async ({ stack }) => {
      stack.bitcoin.setFault(null);
      await stack.bitcoin.faultApplied();
    },
    health: notOk,
    frames: failed,
    seen: 'status down/degraded; `chain.info` error',
  },
  {
    kind: 'bitcoin',
    source: 'btc-main',
    fault: 'slow (answers after the RPC timeout)',
    probe: CHAIN_INFO,
    inject: ({ stack }) => stack.bitcoin.setFault({ kind: 'slow', delayMs: 3_000 }),
    clear: ({ stack }) => stack.bitcoin.setFault(null),
    health: notOk,
    frames: failed,
    seen: 'timeouts: status degraded/down; `chain.info` error',
  },
  {
    kind: 'bitcoin',
    source: 'btc-main',
    fault: 'warm-up (-28 Loading block index)',
    probe: CHAIN_INFO,
    inject: ({ stack }) => stack.bitcoin.setFault({ kind: 'warmup', message: 'Loading block index…' }),
    clear: ({ stack }) => stack.bitcoin.setFault(null),
    health: says(/loading block index|warm/i),
    frames: (r) => failed(r) && /loading block index|warm/i.test(r.error ?? ''),
    seen: 'message names the -28 warm-up; `chain.info` error says so',
  },
  {
    kind: 'bitcoin',
    source: 'btc-main',
    fault: 'overload (HTTP 503 work queue depth exceeded)',
    probe: CHAIN_INFO,
    inject: ({ stack }) => stack.bitcoin.setFault({ kind: 'workQueue' }),
    clear: ({ stack }) => stack.bitcoin.setFault(null),
    health: notOk,
    frames: failed,
    seen: 'status degraded/down; `chain.info` error',
  },
  {
    kind: 'bitcoin',
    source: 'btc-main',
    fault: 'ZMQ silent (mempool changes, no messages)',
    probe: { query: 'zmq.status' },
    inject: ({ stack }) => stack.bitcoin.setFault({ kind: 'zmqSilent' }),
    clear: ({ stack }) => stack.bitcoin.setFault(null),
    health: says(/silent/i),
    frames: (r) => first(r, 'silent') === true,
    recovered: (r) => first(r, 'silent') === false,
    seen: 'component mempool "ZMQ … silent; polling"; `zmq.status` silent=true',
  },
  {
    kind: 'bitcoin',
    source: 'btc-main',
    fault: 'ZMQ gap (3 messages dropped)',
    probe: { query: 'zmq.status' },
    inject: async (ctx) => {
      const status = await ctx.query('btc-main', { query: 'zmq.status' });
      ctx.memo.gaps = first(status, 'gaps');
      ctx.memo.resyncs = first(status, 'resyncs');
      ctx.stack.bitcoin.setFault({ kind: 'zmqDrop', count: 3 });
    },
    clear: ({ stack }) => stack.bitcoin.setFault(null),
    health: null,
    frames: (r, ctx) =>
      Number(first(r, 'gaps')) > Number(ctx.memo.gaps) && Number(first(r, 'resyncs')) > Number(ctx.memo.resyncs),
    recovered: (r) => first(r, 'synced') === true && Number(first(r, 'mempoolTxs')) > 0,
    seen: '`zmq.status` gaps+1 and a resync (health stays ok: healed by the resync)',
  },
  {
    kind: 'bitcoin',
    source: 'btc-main',
    fault: 'restart with a new cookie (credential rotation)',
    probe: { query: 'zmq.status' },
    inject: async (ctx) => {
      ctx.memo.resyncs = first(await ctx.query('btc-main', { query: 'zmq.status' }), 'resyncs');
      ctx.memo.credentials = ctx.stack.bitcoin.credentials();
      await ctx.stack.bitcoin.restart();
    },
    clear: () => undefined,
    health: null,
    frames: (r, ctx) =>
      ctx.stack.bitcoin.credentials() !== ctx.memo.credentials &&
      Number(first(r, 'resyncs')) > Number(ctx.memo.resyncs),
    recovered: async (r, ctx) => first(r, 'synced') === true && answered(await ctx.query('btc-main', CHAIN_INFO)),
    seen: 'new cookie read, `zmq.status` resync after the counter reset; RPC answers again',
  },
  {
    kind: 'bitcoin',
    source: 'btc-main',
    fault: 'reorg (2 blocks)',
    probe: { query: 'blocks.recent' },
    inject: (ctx) => {
      ctx.memo.reorgAt = Date.now();
      ctx.stack.bitcoin.reorg(2);
    },
    clear: () => undefined,
    health: null,
    frames: async (r, ctx) => {
      const res = await fetch(
        `${ctx.memo.url}/api/annotations?sourceId=btc-main&type=reorgs&from=${Number(ctx.memo.reorgAt) - 1_000}&to=${Date.now() + 60_000}`
      );
      const body = (await res.json()) as { annotations?: unknown[] };
      return (
        answered(r) && (body.annotations?.length ?? 0) > 0 && field(r, 'hash').includes(ctx.stack.bitcoin.tipHash())
      );
    },
    seen: '`reorgs` annotation; `blocks.recent` follows the new tip',
  },
  // ---- the host under bitcoind ----
  {
    kind: 'bitcoin',
    source: 'btc-main',
    fault: "clock skew (outbound peers' median 45 s ahead)",
    probe: HOST_HEALTH,
    inject: ({ stack }) => stack.bitcoin.setFault({ kind: 'clockSkew', seconds: 45 }),
    clear: ({ stack }) => stack.bitcoin.setFault(null),
    health: says(/clock 45 s behind/),
    frames: (r) => first(r, 'clock_offset_seconds') === 45,
    recovered: (r) => first(r, 'clock_offset_seconds') === 0,
    seen: 'component clock "clock 45 s behind the outbound peers\' median (limit 30 s)"; `host.health` clock_offset_seconds 45',
  },
  {
    kind: 'bitcoin',
    source: 'btc-main',
    fault: 'datadir unreadable (its mount gone)',
    probe: HOST_HEALTH,
    inject: () => renameSync(WATCHED_DATADIR, `${WATCHED_DATADIR}.gone`),
    clear: () => renameSync(`${WATCHED_DATADIR}.gone`, WATCHED_DATADIR),
    health: says(/datadir not readable: ENOENT/),
    frames: (r) => first(r, 'datadir_status') === 'degraded',
    recovered: (r) => first(r, 'datadir_status') === 'ok',
    seen: 'component disk "datadir not readable: ENOENT (last read: …)"; `host.health` datadir_status degraded',
  },
  // ---- Electrum server (electrs) beside bitcoind ----
  ...(
    [
      ['down', 'connection refused', { kind: 'down' }],
      ['http500', 'metrics endpoint answers 500', { kind: 'http500' }],
    ] as const
  ).map(
    ([fault, what, electrumFault]): FaultRow => ({
      kind: 'electrum',
      source: 'btc-main',
      fault: `${fault} (${what})`,
      probe: ELECTRUM_STATS,
      inject: async ({ stack }) => {
        stack.electrs.setFault(electrumFault);
        await stack.electrs.faultApplied();
      },
      clear: async ({ stack }) => {
        stack.electrs.setFault(null);
        await stack.electrs.faultApplied();
      },
      health: says(/electrs/),
      frames: failed,
      seen: 'component electrum degraded "electrs: …"; `electrum.stats` error (bitcoind queries unaffected)',
    })
  ),
  {
    kind: 'electrum',
    source: 'btc-main',
    fault: 'index lagging (5 blocks behind the node)',
    probe: ELECTRUM_STATS,
    inject: ({ stack }) => stack.electrs.setLag(5),
    clear: ({ stack }) => stack.electrs.setLag(0),
    health: says(/5 blocks behind/),
    frames: (r) => Number(first(r, 'lagBlocks')) === 5,
    seen: 'component electrum "electrs index 5 blocks behind the node"; `electrum.stats` lagBlocks 5',
  },
  // ---- cgminer fleet (one miner of four) ----
  ...(
    [
      [
        'offline',
        'connection refused',
        says(/offline/),
        (r: Result, c: RowContext) => minerRow(r, 'status', c) === 'offline',
        'status degraded "1 of 4 miners offline"; `miners` row status=offline',
      ],
      // it answers, so it is not offline: the row keeps its last values and names the bad reply
      [
        'garbage',
        'reply cut mid-document',
        null,
        (r: Result, c: RowContext) => /unrepairable JSON/.test(String(minerRow(r, 'error', c))),
        '`miners` row error "unrepairable JSON …" (health stays ok: the miner answers)',
      ],
      [
        'slow',
        'reply after the timeout',
        notOk,
        (r: Result, c: RowContext) => minerRow(r, 'status', c) !== 'online',
        'status degraded; `miners` row not online',
      ],
    ] as const
  ).map(([fault, what, health, frames, seen]): FaultRow => ({
    kind: 'cgminer',
    source: 'farm-a',
    fault: `${fault} (${what})`,
    probe: { query: 'miners' },
    inject: ({ stack }) => stack.fleet.setFault(MINER, fault),
    clear: ({ stack }) => stack.fleet.setFault(MINER, fault, false),
    health,
    frames,
    recovered: (r, c) => minerRow(r, 'status', c) === 'online' && minerRow(r, 'error', c) === '',
    seen,
  })),
  ...(
    [
      [
        'hot',
        'board 0 +32 °C',
        async (r: Result, c: RowContext) =>
          Number(minerRow(r, 'maxTemp', c)) >= Number(c.memo.maxTemp) + 20 &&
          (await minerMetric(c, 'mining_temperature_max_celsius')) >= Number(c.memo.maxTemp) + 20,
        'maxTemp',
        says(/above 85 °C/),
        'component temperature "1 miner above 85 °C"; `miners` maxTemp and `mining_temperature_max_celsius` +28 °C (104 °C)',
      ],
      [
        'fan0',
        'fan 0 stopped',
        async (r: Result, c: RowContext) =>
          minerRow(r, 'fanMin', c) === 0 && (await minerMetric(c, 'mining_fan_min_rpm')) === 0,
        'fanMin',
        says(/stopped fan/),
        'component fans "1 miner with a stopped fan"; `miners` fanMin=0, `mining_fan_min_rpm` 0',
      ],
      [
        'rejects',
        '25 rejects per poll',
        (r: Result, c: RowContext) => Number(minerRow(r, 'rejected', c)) >= Number(c.memo.rejected) + 50,
        'rejected',
        says(/rejecting over 5 %/),
        'component shares "1 miner rejecting over 5 % of shares"; `miners` rejected and rejectPercent climb',
      ],
      [
        'hashdrop',
        'one board dead, 30 % hashrate',
        (r: Result, c: RowContext) => Number(minerRow(r, 'hashrate', c)) < 0.5 * Number(c.memo.hashrate),
        'hashrate',
        says(/dead hash board/),
        'component hashboards "1 miner with a dead hash board"; `miners` hashrate < 50 %',
      ],
      [
        'poolSwitch',
        'pool 0 dead, failover to pool 1',
        (r: Result, c: RowContext) => /pool-b/.test(String(minerRow(r, 'pool', c))),
        'pool',
        says(/dead pool/),
        'component pools "1 miner with a dead pool"; `miners` pool = the failover pool',
      ],
      [
        'brokenJson',
        'firmware JSON defects',
        (r: Result, c: RowContext) =>
          minerRow(r, 'status', c) === 'online' &&
          String(minerRow(r, 'error', c)) === '' &&
          Number(c.stack.fleet.miners[MINER]!.received.get('summary') ?? 0) > Number(c.memo.summaries),
        'summaries',
        null,
        'repaired: row stays online with values (nothing to report)',
      ],
    ] as const
  ).map(([fault, what, frames, remember, health, seen]): FaultRow => ({
    kind: 'cgminer',
    source: 'farm-a',
    fault: `${fault} (${what})`,
    probe: { query: 'miners' },
    inject: async (ctx) => {
      if (remember === 'summaries') ctx.memo.summaries = ctx.stack.fleet.miners[MINER]!.received.get('summary') ?? 0;
      else await rememberMiner(ctx, remember);
      await ctx.stack.fleet.setFault(MINER, fault);
    },
    clear: ({ stack }) => stack.fleet.setFault(MINER, fault, false),
    // the miner answers, so the fleet is reachable; health components name what is wrong with it
    health,
    frames,
    seen,
  })),
  // ---- Stacks node + signer ----
  ...faultRowsByName('stacks', 'stx-1', (stack) => stack.stacks, { delayMs: 3_000, lag: 6 }, [
      ['down', { query: 'node.info' }, notOk, failed, 'status down; `node.info` error'],
      ['slow', { query: 'node.info' }, notOk, failed, 'timeouts: status degraded/down; `node.info` error'],
      ['malformed', { query: 'node.info' }, notOk, failed, 'status degraded; `node.info` error'],
      [
        'zero-peers',
        { query: 'node.info' },
        says(/peer|neighbo/i),
        (r: Result) => first(r, 'neighbors_inbound') === 0 && first(r, 'neighbors_outbound') === 0,
        'message names the 0 peers; `node.info` neighbors 0',
      ],
      [
        'burn-behind',
        { query: 'node.info' },
        says(/burn/i),
        (r: Result) => Number(first(r, 'burn_block_lag')) >= 6,
        'message names the burn lag; `node.info` burn_block_lag 6',
      ],
      [
        'stalled',
        { query: 'node.info' },
        says(/stall|advanc|tip/i),
        (r: Result) => Number(first(r, 'tip_age')) >= 10,
        'after stallSeconds (10 s floor): message "tip not advancing"; `node.info` tip_age',
      ],
      [
        'no-health',
        { query: 'node.info' },
        null,
        answered,
        'older node without /v3/health: served from /v2/info (nothing to report)',
      ],
    ] as const),
  {
    kind: 'stacks',
    source: 'stx-1',
    fault: 'signer not registered',
    probe: { query: 'signer.status' },
    // the signer's log says so at its next runloop refresh (stacks-signer/src/runloop.rs:416-427, :613)
    inject: ({ stack }) => stack.stacks.setSignerFault('not-registered'),
    clear: ({ stack }) => stack.stacks.setSignerFault('none'),
    health: says(/signer-duty:degraded:not registered for reward cycle/),
    frames: (r) => first(r, 'registered') === false,
    seen: 'component signer-duty "not registered for reward cycle 105"; `signer.status` registered=false',
  },
  // ---- Geth ----
  ...faultRowsByName('geth', 'geth-1', (stack) => stack.geth, { delayMs: 3_000, behind: 5_000 }, [
      ['down', { query: 'chain.head' }, notOk, failed, 'status down; `chain.head` error'],
      ['slow', { query: 'chain.head' }, notOk, failed, 'timeouts: status degraded/down; `chain.head` error'],
      ['malformed', { query: 'chain.head' }, notOk, failed, 'status degraded; `chain.head` error'],
      [
        'zero-peers',
        { query: 'sync.status' },
        says(/peer/i),
        (r: Result) => first(r, 'peers') === 0 && first(r, 'healthy') === false,
        'message names 0 peers; `sync.status` healthy=false',
      ],
      [
        'syncing',
        { query: 'sync.status' },
        says(/sync/i),
        (r: Result) => first(r, 'syncing') === true && Number(first(r, 'remaining_blocks')) > 0,
        'message "syncing"; `sync.status` remaining_blocks',
      ],
      [
        'stalled',
        { query: 'chain.head' },
        says(/stall|head|advanc/i),
        (r: Result) => Number(first(r, 'head_age')) >= 12,
        'after headStallSeconds (12 s floor): message names the head age; `chain.head` head_age',
      ],
    ] as const),
  // ---- Ethereum consensus client (Beacon API), paired with geth-1 ----
  // (no-finality needs epochs of 6.4 min: the clocked tests in test/beacon.test.ts cover it)
  ...faultRowsByName('beacon', 'beacon-1', (stack) => stack.beacon, { delayMs: 3_000, behind: 5_000 }, [
      ['down', { query: 'node.info' }, notOk, failed, 'status down; `node.info` error'],
      ['slow', { query: 'node.info' }, notOk, failed, 'timeouts: status degraded/down; `node.info` error'],
      ['malformed', { query: 'node.info' }, notOk, failed, 'status degraded; `node.info` error'],
      [
        'syncing',
        { query: 'sync.status' },
        says(/syncing: 5000 slots to go/),
        (r: Result) => first(r, 'is_syncing') === true && first(r, 'sync_distance') === 5_000,
        'message "syncing: 5000 slots to go", execution component "consensus behind"; `sync.status` is_syncing, sync_distance',
      ],
      [
        'optimistic',
        { query: 'sync.status' },
        says(/optimistic/),
        (r: Result) => first(r, 'is_optimistic') === true,
        'message "optimistic: …"; `sync.status` is_optimistic',
      ],
      [
        'el-offline',
        { query: 'node.info' },
        says(/execution client offline per the consensus client/),
        (r: Result) => first(r, 'el_offline') === true && first(r, 'behind') === 'execution',
        'message "execution client offline per the consensus client"; `node.info` el_offline, behind execution',
      ],
      [
        'unhealthy',
        { query: 'node.info' },
        says(/503/),
        (r: Result) => first(r, 'health_code') === 503,
        'message "not ready: … 503"; `node.info` health_code 503',
      ],
      [
        'stalled',
        { query: 'node.info' },
        says(/stalled/),
        (r: Result) => Number(first(r, 'head_age')) > 12,
        'message "head is N s old: stalled"; `node.info` head_age',
      ],
      [
        'zero-peers',
        { query: 'network.peers' },
        says(/0 peers/),
        (r: Result) => first(r, 'peers') === 0,
        'message "0 peers (minimum 1)"; `network.peers` connected 0',
      ],
    ] as const),
  // ---- Lightning: lnd (every fault) and Core Lightning (the node-level ones) ----
  ...(
    [
      ['ln-lnd', 'down', { query: 'node.info' }, notOk, failed, 'status down; `node.info` error'],
      ['ln-lnd', 'slow', { query: 'node.info' }, notOk, failed, 'timeouts: status degraded/down; `node.info` error'],
      ['ln-lnd', 'malformed', { query: 'node.info' }, notOk, failed, 'status degraded; `node.info` error'],
      [
        'ln-lnd',
        'force-closed',
        { query: 'channels' },
        says(/force-closing/),
        (r: Result) => field(r, 'phase').includes('force_closing'),
        'message "1 channel force-closing"; `channels` phase force_closing',
      ],
      [
        'ln-lnd',
        'peer-offline',
        { query: 'node.info' },
        says(/peer offline/),
        (r: Result) => first(r, 'offline_peers') === 1,
        'message names the offline peer; `node.info` offline_peers 1',
      ],
      [
        'ln-lnd',
        'out-of-sync',
        { query: 'node.info' },
        says(/out of sync/),
        (r: Result) => first(r, 'synced_to_chain') === false,
        'message "out of sync"; `node.info` synced_to_chain false',
      ],
      [
        'ln-cln',
        'force-closed',
        { query: 'channels' },
        says(/force-closing/),
        (r: Result) => field(r, 'state').includes('ONCHAIN'),
        'message "1 channel force-closing"; `channels` state ONCHAIN',
      ],
      [
        'ln-cln',
        'out-of-sync',
        { query: 'node.info' },
        says(/out of sync/),
        (r: Result) => first(r, 'synced_to_chain') === false,
        'message "out of sync" (warning_bitcoind_sync); `node.info` synced_to_chain false',
      ],
      ['ln-cln', 'down', { query: 'node.info' }, notOk, failed, 'status down; `node.info` error'],
    ] as const
  ).map(([source, fault, probe, health, frames, seen]): FaultRow => {
    const sim = (stack: SimulatedStack) => (source === 'ln-lnd' ? stack.lightning.lnd : stack.lightning.cln);
    return {
      kind: source === 'ln-lnd' ? 'lightning (lnd)' : 'lightning (cln)',
      source,
      fault,
      probe,
      inject: ({ stack }) => sim(stack).setFault(fault, { delayMs: 3_000 }),
      clear: ({ stack }) => sim(stack).setFault('none'),
      health,
      frames,
      seen,
    };
  }),
  // ---- one chain, several nodes: btc-backup follows btc-main through the chain view btc-nodes ----
  {
    kind: 'chain',
    source: 'btc-nodes',
    fault: 'a node behind (btc-main mines 3 blocks btc-backup does not get)',
    probe: { query: 'nodes' },
    // the ticker relays btc-main's blocks to btc-backup, except while memo.holdBackup
    inject: ({ stack, memo }) => {
      memo.holdBackup = true;
      stack.bitcoinBackup.syncFrom(stack.bitcoin);
      for (let i = 0; i < 3; i++) stack.bitcoin.mineBlock();
    },
    clear: ({ memo }) => {
      memo.holdBackup = false;
    },
    health: says(/btc-backup is 3 blocks behind the best tip/),
    frames: (r) => field(r, 'lag_blocks')[field(r, 'source').indexOf('btc-backup')] === 3,
    seen: 'status degraded "btc-backup is 3 blocks behind the best tip …"; `nodes` lag_blocks 3, state behind',
    recovered: (r) => field(r, 'lag_blocks').every((lag) => lag === 0),
  },
  // ---- Freqtrade (bot-1 of two) ----
  ...(
    [
      ['down', 'connection reset', { query: 'profit' }, notOk, failed, 'status down; `profit` error'],
      ['hang', 'never answers', { query: 'profit' }, notOk, failed, 'timeouts: status degraded/down; `profit` error'],
      ['malformed', 'truncated /profit body', { query: 'profit' }, notOk, failed, 'status degraded; `profit` error'],
      [
        'exchange-error',
        '/balance 502',
        { query: 'balance' },
        says(/ticker|exchange|balance/i),
        failed,
        'message names the exchange error; `balance` error',
      ],
      [
        'stale-heartbeat',
        'bot loop stuck',
        { query: 'health' },
        says(/heartbeat|process|stuck/i),
        (r: Result) => Number(first(r, 'heartbeat_age')) >= 600,
        'message names the stale heartbeat; `health` heartbeat_age 900 s',
      ],
    ] as const
  ).map(([fault, what, probe, health, frames, seen]): FaultRow => ({
    kind: 'freqtrade',
    source: 'bot-1',
    fault: `${fault} (${what})`,
    probe,
    inject: ({ stack }) => stack.bots[0]!.setFault(fault),
    clear: ({ stack }) => stack.bots[0]!.setFault(fault, false),
    health,
    frames,
    seen,
  })),
  {
    kind: 'freqtrade',
    source: 'bot-1',
    fault: 'new jwt_secret_key (credential rotation)',
    probe: { query: 'profit' },
    inject: (ctx) => {
      ctx.memo.logins = ctx.stack.bots[0]!.count('token/login', 'POST');
      ctx.memo.tokens = ctx.stack.bots[0]!.issuedTokens.length;
      ctx.stack.bots[0]!.setFault('reject-tokens');
    },
    clear: () => undefined,
    health: null,
    frames: (r, ctx) => answered(r) && ctx.stack.bots[0]!.count('token/login', 'POST') > Number(ctx.memo.logins),
    seen: 'the 401 makes the proxy log in again; queries keep answering',
  },
  // ---- market APIs (profitability) ----
  {
    kind: 'market',
    source: 'profit',
    fault: 'CoinGecko HTTP 500 (fallback)',
    probe: { query: 'market' },
    inject: ({ stack }) => stack.market.setFault('coingecko', 'error500'),
    clear: ({ stack }) => stack.market.setFault('coingecko', 'ok'),
    // the fallback answers: still ok, and the message names where the price now comes from
    health: (h) => /price coincap/.test(h.message),
    frames: (r) => first(r, 'priceSource') === 'coincap',
    recovered: (r) => first(r, 'priceSource') === 'coingecko',
    seen: 'health message and `market` priceSource switch to coincap',
  },
  ...(['error500', 'ratelimit', 'malformed', 'slow', 'down'] as const).map((fault: MarketFault): FaultRow => ({
    kind: 'market',
    source: 'profit',
    fault: `both price APIs: ${fault}`,
    probe: { query: 'market' },
    inject: ({ stack }) => {
      for (const api of PRICE_APIS) stack.market.setFault(api, fault);
    },
    clear: ({ stack }) => {
      for (const api of PRICE_APIS) stack.market.setFault(api, 'ok');
    },
    health: notOk,
    frames: (r) => failed(r) || /price|stale|coingecko|coincap/i.test(notices(r)),
    recovered: (r) => notices(r) === '' || !/stale|price/i.test(notices(r)),
    seen: 'status degraded (last price kept, marked stale); `market` notice',
  })),
];

const OTHER_PROBES: Record<string, Probe> = {
  'btc-main': { query: 'chain.info' },
  'stx-1': { query: 'node.info' },
  'geth-1': { query: 'chain.head' },
  'farm-a': { query: 'fleet.summary' },
  profit: { query: 'whatif' },
  'bot-1': { query: 'bots' },
  'bot-2': { query: 'profit' },
  'ln-lnd': { query: 'node.info' },
  'ln-cln': { query: 'node.info' },
  'beacon-1': { query: 'sync.status' },
  'btc-backup': { query: 'chain.info' },
  'btc-nodes': { query: 'nodes' },
};

/** Short polls and timeouts so the whole matrix runs in about a minute. */
function fastSources(stack: SimulatedStack): Array<Record<string, unknown>> {
  const overrides: Record<string, Record<string, unknown>> = {
    // free-space limits off: the machine's own disk must not decide the matrix
    bitcoin: { pollSeconds: 0.5, slowPollSeconds: 1, host: { datadir: WATCHED_DATADIR, sampleSeconds: 1, minFreeShare: 0, fullWithinDays: 0 } },
    stacks: { pollSeconds: 1, timeoutMs: 1_000, stallSeconds: 10, logs: { pollMs: 100 } },
    geth: { pollSeconds: 1, timeoutMs: 1_000, headStallSeconds: 12 },
    // a 5 s reject window, so a cleared reject fault leaves the window within the matrix's wait
    cgminer: { pollSeconds: 1, timeoutMs: 1_000, connectTimeoutMs: 500, limits: { rejectWindowSeconds: 5 } },
    profitability: { sampleSeconds: 1, priceTtlSeconds: 1, difficultyTtlSeconds: 1, timeoutMs: 1_000 },
    freqtrade: { pollSeconds: 1, timeoutMs: 1_000, heartbeatStaleSeconds: 60 },
    lightning: { pollSeconds: 1, timeoutMs: 1_000 },
    beacon: { pollSeconds: 1, timeoutMs: 1_000, headStallSeconds: 12 },
    chain: { pollSeconds: 1 },
  };
  return stack.sources.map((source) => {
    const kind = String(source.kind);
    const merged: Record<string, unknown> = { ...source, ...overrides[kind] };
    if (kind === 'bitcoin')
      merged.rpc = { ...(source.rpc as object), timeoutMs: 1_000, retries: 0, circuitOpenMs: 300 };
    return merged;
  });
}

interface Figure {
  row: FaultRow;
  detectMs: number;
  recoverMs: number;
}
const figures: Figure[] = [];

describe('fault matrix: every simulator fault is reported, contained and recovered from', () => {
  let stack: SimulatedStack;
  let proxy: Awaited<ReturnType<typeof startServer>>;
  let remove: () => Promise<void>;
  let ticker: NodeJS.Timeout;
  const logs = new LogCapture();
  const memo: Record<string, unknown> = {};

  const health = async (): Promise<Health[]> => {
    const res = await fetch(`${proxy.url}/api/health`);
    expect(res.status).toBe(200);
    return ((await res.json()) as { sources: Health[] }).sources;
  };
  const sourceHealth = async (id: string): Promise<Health> => (await health()).find((h) => h.id === id)!;
  const query = async (sourceId: string, probe: Probe): Promise<Result> => {
    const res = await fetch(`${proxy.url}/api/query`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ queries: [{ refId: 'A', sourceId, query: probe.query, params: probe.params ?? {} }] }),
    });
    expect(res.status).toBe(200);
    return ((await res.json()) as { results: Record<string, Result> }).results.A!;
  };
  const ctx = (): RowContext => ({
    stack,
    query,
    metrics: async () => (await fetch(`${proxy.url}/metrics`)).text(),
    memo,
  });

  beforeAll(async () => {
    const dir = await tempDir();
    remove = dir.remove;
    stack = await startSimulatedStack({ dir: dir.path, profile: 'test' });
    await stack.stacks.appendLog(3);
    await stack.stacks.appendSignerLog(3);
    stack.stacks.state.burnBlockHeight = stack.bitcoin.tipHeight();
    const config = parseConfig(
      stringify({ server: { port: 0, cacheTtlMs: 0, logLevel: 'warn' }, sources: fastSources(stack) }),
      'faults.yaml',
      stack.env
    );
    proxy = await startServer(config, { port: 0, logDestination: logs });
    memo.url = proxy.url;
    // the chains keep moving and bitcoind keeps receiving transactions (ZMQ has something to say)
    ticker = setInterval(() => {
      // as stack.tick(), with the Stacks burn chain following the simulated bitcoind
      stack.stacks.state.burnBlockHeight = stack.bitcoin.tipHeight();
      stack.stacks.advance({ stacks: 1 });
      void stack.stacks.appendLog(2);
      void stack.stacks.appendSignerLog(2);
      // btc-backup hears of btc-main's blocks (and reorgs), as a peer would
      if (!memo.holdBackup) stack.bitcoinBackup.syncFrom(stack.bitcoin);
      stack.geth.advance(1);
      // the lightning nodes follow bitcoind's tip (their bitcoinSource is btc-main)
      for (const ln of [stack.lightning.lnd, stack.lightning.cln]) ln.advance(Math.max(0, stack.bitcoin.tipHeight() - ln.state.blockHeight));
      if (!stack.bitcoin.currentFault() || stack.bitcoin.currentFault()?.kind.startsWith('zmq'))
        stack.bitcoin.addTransactions(2);
    }, 400);
    await waitFor(
      async () => (await health()).every((h) => h.status === 'ok'),
      'every source healthy at start',
      20_000
    );
  }, 60_000);

  afterAll(async () => {
    clearInterval(ticker);
    await proxy?.close();
    await stack?.close();
    await remove?.();
    rmSync(WATCHED_DATADIR, { recursive: true, force: true });
    if (figures.length > 0) {
      const lines = [
        '| source | fault | seen in health and frames | detected (s) | recovered (s) |',
        '|---|---|---|---:|---:|',
        ...figures.map(
          (f) =>
            `| ${f.row.kind} | ${f.row.fault} | ${f.row.seen} | ${(f.detectMs / 1000).toFixed(1)} | ${(f.recoverMs / 1000).toFixed(1)} |`
        ),
      ];
      console.log(`fault matrix (${figures.length} faults)\n${lines.join('\n')}`);
    }
  });

  it.each(ROWS.map((row) => [`${row.kind}: ${row.fault}`, row] as const))('%s', async (_name, row) => {
    const c = ctx();
    const describeState = async () => {
      const result = await query(row.source, row.probe);
      const shown =
        row.source === 'farm-a'
          ? ['status', 'error', 'lastSeen', 'maxTemp', 'fanMin', 'rejected', 'hashrate', 'pool']
              .map((n) => `${n}=${String(minerRow(result, n, c))}`)
              .join(' ')
          : (result.frames ?? [])
              .map((f) => f.schema.fields.map((x, i) => `${x.name}=${JSON.stringify(f.data.values[i]?.[0])}`).join(' '))
              .join(' / ');
      return `health: ${healthText(await sourceHealth(row.source))}; probe ${row.probe.query}: status ${result.status} error ${result.error ?? '-'} ${shown.slice(0, 600)}`;
    };

    // 1. injected fault is reported
    await row.inject(c);
    let cleared = false;
    const clear = async () => {
      if (!cleared) await row.clear(c);
      cleared = true;
    };
    try {
      const started = Date.now();
      const timeout = row.detectMs ?? 8_000;
      await Promise.all([
        row.health
          ? waitFor(
              async () => row.health!(await sourceHealth(row.source)),
              `${row.source} health to report "${row.fault}"`,
              timeout
            ).catch(async (e: Error) => {
              throw new Error(`${e.message}; ${await describeState()}`);
            })
          : null,
        waitFor(
          async () => row.frames(await query(row.source, row.probe), c),
          `${row.source} ${row.probe.query} to show "${row.fault}"`,
          timeout
        ).catch(async (e: Error) => {
          throw new Error(`${e.message}; ${await describeState()}`);
        }),
      ]);
      const detectMs = Date.now() - started;

      // 2. every other source keeps answering
      for (const [id, probe] of Object.entries(OTHER_PROBES)) {
        if (id === row.source) continue;
        const result = await query(id, probe);
        expect(result.error, `${id} ${probe.query} while ${row.source} has "${row.fault}"`).toBeUndefined();
        expect(result.status).toBe(200);
      }

      // 3. cleared fault: back to ok by itself
      await clear();
      const clearedAt = Date.now();
      await waitFor(
        async () => {
          const h = await sourceHealth(row.source);
          const result = await query(row.source, row.probe);
          return h.status === 'ok' && answered(result) && (row.recovered ? await row.recovered(result, c) : true);
        },
        `${row.source} to recover from "${row.fault}"`,
        15_000
      ).catch(async (e: Error) => {
        throw new Error(`${e.message}; ${await describeState()}`);
      });
      figures.push({ row, detectMs, recoverMs: Date.now() - clearedAt });
    } finally {
      // a failed row must not leave its fault behind for the next one
      await clear();
    }
  });
});
