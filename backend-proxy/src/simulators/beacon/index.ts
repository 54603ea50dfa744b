// A consensus client's standard Beacon API, as Lighthouse, Prysm, Teku, Nimbus and Lodestar serve
// it, built from the API document itself (ethereum/beacon-APIs@7a58b5a44ceb6174162f75e1bb6666efbb6ec07f:
// the paths of beacon-node-oapi.yaml:68-183 and the files they point to):
//  - every Uint64 a decimal string (types/primitive.yaml:37-39), roots 0x + 64 hex (:63-67);
//  - GET /eth/v1/node/syncing {data: {head_slot, sync_distance, is_syncing, is_optimistic,
//    el_offline}} (apis/node/syncing.yaml:18-36);
//  - GET /eth/v1/node/health: status only, 200 ready, 206 syncing / execution optimistic or
//    offline, 503 not initialized or having issues, 400 for a bad syncing_status
//    (apis/node/health.yaml:7-24), which then replaces 206;
//  - GET /eth/v1/node/peer_count (apis/node/peer_count.yaml:17-32), /eth/v1/node/version
//    (apis/node/version.yaml; the example string of types/primitive.yaml:18);
//  - GET /eth/v1/beacon/headers/head {execution_optimistic, finalized, data: {root, canonical,
//    header: {message: {slot, proposer_index, parent_root, state_root, body_root}, signature}}}
//    (apis/beacon/blocks/header.yaml:18-35, types/phase0/block.yaml:2-18,73-92);
//  - GET /eth/v1/beacon/states/head/finality_checkpoints {execution_optimistic, finalized, data:
//    {previous_justified, current_justified, finalized}} (apis/beacon/states/finality_checkpoints.yaml:
//    18-36); epoch 0 and the zero root before finality (line 6);
//  - GET /eth/v1/beacon/genesis (apis/beacon/genesis.yaml:18-27), /eth/v1/config/spec with numbers
//    as quoted integers (apis/config/spec.yaml:10-13);
//  - errors as {code, message} (types/http.yaml:21-43).
// The chain follows the wall clock (the test's `now`): the head is the current slot, the previous
// epoch justified and the one before it finalized, as while finality works. Faults freeze or bend
// that. No timers.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { delay, fakeHex, sendJson, sendText, ToggleServer } from '../stacks/toggleServer.js';

export type BeaconFault =
  | 'none'
  | 'down'
  | 'slow'
  | 'malformed'
  /** range sync: the head trails the clock by `behind` slots */
  | 'syncing'
  /** the head is not yet verified by the execution client */
  | 'optimistic'
  /** the execution client does not answer the engine API */
  | 'el-offline'
  /** /eth/v1/node/health answers 503 */
  | 'unhealthy'
  /** no new head (no peers to sync from, a stuck fork choice) */
  | 'stalled'
  /** the head advances, finality does not (over a third of the stake offline) */
  | 'no-finality'
  | 'zero-peers'
  /** Uint64 fields as JSON numbers instead of decimal strings: a client that breaks the spec */
  | 'json-numbers';

/** mainnet: genesis 2020-12-01 12:00:23 UTC, 12 s slots, 32 slots per epoch */
export const MAINNET_GENESIS_TIME = 1_606_824_023;
export const MAINNET_GENESIS_VALIDATORS_ROOT = '0x4b363db94e286120d76eb905340fdd4e54bfe9f06bf33ff6cf5ad27f511bfe95';
/** types/primitive.yaml:18, the API document's own example */
export const SIM_BEACON_VERSION = 'Lighthouse/v0.1.5 (Linux x86_64)';
const ZERO_ROOT = `0x${'0'.repeat(64)}`;

export interface BeaconSimulatorOptions {
  now?: () => number;
  genesisTime?: number;
  /** 12 000 (mainnet) unless given */
  slotMs?: number;
  slotsPerEpoch?: number;
  /** the spec answer carries SLOT_DURATION_MS (current configs) or only SECONDS_PER_SLOT (older) */
  slotDurationKey?: 'SLOT_DURATION_MS' | 'SECONDS_PER_SLOT';
  version?: string;
  port?: number;
}

export interface BeaconState {
  peers: { connected: number; connecting: number; disconnected: number; disconnecting: number };
  /** slots the head trails the clock while syncing */
  behind: number;
  /** set while stalled: the head slot it stopped at */
  stalledAt: number | null;
  /** set while finality stopped: the last finalized epoch */
  finalizedAt: number | null;
  optimistic: boolean;
  elOffline: boolean;
  unhealthy: boolean;
}

/** A node with no fault: at the head, finality moving, EL reachable (what 'none' restores). */
const HEALTHY: Omit<BeaconState, 'peers'> = {
  behind: 0,
  stalledAt: null,
  finalizedAt: null,
  optimistic: false,
  elOffline: false,
  unhealthy: false,
};

export interface BeaconSimulator {
  url: string;
  state: BeaconState;
  /** every request received: `GET /eth/v1/node/syncing`, … (allowed or not) */
  received: string[];
  /** the slot the wall clock is in */
  wallSlot(): number;
  /** the head slot the node has now */
  headSlot(): number;
  setFault(fault: BeaconFault, options?: { delayMs?: number; behind?: number }): Promise<void>;
  close(): Promise<void>;
}

export async function startBeaconSimulator(options: BeaconSimulatorOptions = {}): Promise<BeaconSimulator> {
  const now = options.now ?? Date.now;
  const genesisTime = options.genesisTime ?? MAINNET_GENESIS_TIME;
  const slotMs = options.slotMs ?? 12_000;
  const slotsPerEpoch = options.slotsPerEpoch ?? 32;
  const state: BeaconState = {
    peers: { connected: 80, connecting: 2, disconnected: 310, disconnecting: 1 },
    ...HEALTHY,
  };
  let fault: BeaconFault = 'none';
  let delayMs = 2_000;
  let zeroPeers = false;
  const received: string[] = [];

  const wallSlot = () => Math.max(0, Math.floor((now() - genesisTime * 1000) / slotMs));
  const headSlot = () => (state.stalledAt ?? wallSlot()) - state.behind;
  const epochOf = (slot: number) => Math.floor(slot / slotsPerEpoch);
  const root = (what: string, n: number) => `0x${fakeHex(`${what}${n}`, 64)}`;
  const checkpoint = (epoch: number) =>
    epoch <= 0 ? { epoch: '0', root: ZERO_ROOT } : { epoch: String(epoch), root: root('block', epoch * slotsPerEpoch) };
  /** justification of the head's state: previous epoch justified, the one before finalized */
  const finality = () => {
    const headEpoch = epochOf(Math.max(0, headSlot()));
    const finalized = state.finalizedAt ?? Math.max(0, headEpoch - 2);
    const justified = state.finalizedAt === null ? Math.max(0, headEpoch - 1) : finalized;
    return {
      previous_justified: checkpoint(state.finalizedAt === null ? Math.max(0, headEpoch - 2) : finalized),
      current_justified: checkpoint(justified),
      finalized: checkpoint(finalized),
    };
  };
  const syncing = () => state.behind > 0;

  const routes: Record<string, () => { status: number; body?: unknown }> = {
    '/eth/v1/node/syncing': () => ({
      status: 200,
      body: {
        data: {
          head_slot: String(headSlot()),
          sync_distance: String(state.behind),
          is_syncing: syncing(),
          is_optimistic: state.optimistic,
          el_offline: state.elOffline,
        },
      },
    }),
    '/eth/v1/node/peer_count': () => ({
      status: 200,
      body: {
        data: Object.fromEntries(
          Object.entries(state.peers).map(([k, v]) => [k, String(zeroPeers && k === 'connected' ? 0 : v)])
        ),
      },
    }),
    '/eth/v1/node/version': () => ({ status: 200, body: { data: { version: options.version ?? SIM_BEACON_VERSION } } }),
    '/eth/v1/beacon/headers/head': () => {
      const slot = headSlot();
      return {
        status: 200,
        body: {
          execution_optimistic: state.optimistic,
          finalized: false,
          data: {
            root: root('block', slot),
            canonical: true,
            header: {
              message: {
                slot: String(slot),
                proposer_index: String((slot * 7919) % 1_000_000),
                parent_root: root('block', slot - 1),
                state_root: root('state', slot),
                body_root: root('body', slot),
              },
              signature: `0x${fakeHex(`sig${slot}`, 192)}`,
            },
          },
        },
      };
    },
    '/eth/v1/beacon/states/head/finality_checkpoints': () => ({
      status: 200,
      body: { execution_optimistic: state.optimistic, finalized: false, data: finality() },
    }),
    '/eth/v1/beacon/genesis': () => ({
      status: 200,
      body: {
        data: {
          genesis_time: String(genesisTime),
          genesis_validators_root: MAINNET_GENESIS_VALIDATORS_ROOT,
          genesis_fork_version: '0x00000000',
        },
      },
    }),
    '/eth/v1/config/spec': () => ({
      status: 200,
      body: {
        data: {
          // apis/config/spec.yaml:35-40's example entries, then the timing ones the source reads
          DEPOSIT_CONTRACT_ADDRESS: '0x00000000219ab540356cBB839Cbe05303d7705Fa',
          DEPOSIT_NETWORK_ID: '1',
          DOMAIN_AGGREGATE_AND_PROOF: '0x06000000',
          INACTIVITY_PENALTY_QUOTIENT: '67108864',
          INACTIVITY_PENALTY_QUOTIENT_ALTAIR: '50331648',
          BLOB_SCHEDULE: [
            { EPOCH: '269568', MAX_BLOBS_PER_BLOCK: '6' },
            { EPOCH: '364032', MAX_BLOBS_PER_BLOCK: '9' },
          ],
          CONFIG_NAME: 'mainnet',
          PRESET_BASE: 'mainnet',
          ...((options.slotDurationKey ?? 'SLOT_DURATION_MS') === 'SLOT_DURATION_MS'
            ? { SLOT_DURATION_MS: String(slotMs) }
            : { SECONDS_PER_SLOT: String(slotMs / 1000) }),
          SLOTS_PER_EPOCH: String(slotsPerEpoch),
          MIN_EPOCHS_TO_INACTIVITY_PENALTY: '4',
        },
      },
    }),
  };

  const handler = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://sim');
    received.push(`${req.method} ${url.pathname}`);
    if (fault === 'slow') await delay(delayMs);
    if (url.pathname === '/eth/v1/node/health' && req.method === 'GET') {
      const custom = url.searchParams.get('syncing_status');
      const code = custom === null ? 206 : Number(custom);
      if (custom !== null && (!Number.isInteger(code) || code < 100 || code > 599)) {
        sendJson(res, 400, { code: 400, message: `Invalid syncing status code: ${custom}` });
        return;
      }
      const status = state.unhealthy ? 503 : syncing() || state.optimistic || state.elOffline ? code : 200;
      res.writeHead(status).end();
      return;
    }
    const route = Object.hasOwn(routes, url.pathname) ? routes[url.pathname] : undefined;
    if (!route) {
      sendJson(res, 404, { code: 404, message: 'Not Found' });
      return;
    }
    if (req.method !== 'GET') {
      sendJson(res, 405, { code: 405, message: 'Method Not Allowed' });
      return;
    }
    const answer = route();
    if (fault === 'malformed') {
      sendText(res, answer.status, JSON.stringify(answer.body).slice(0, 25), 'application/json');
      return;
    }
    if (fault === 'json-numbers') {
      const numbers = JSON.stringify(answer.body, (_key, value: unknown) =>
        typeof value === 'string' && /^(0|[1-9]\d*)$/.test(value) ? Number(value) : value
      );
      sendText(res, answer.status, numbers, 'application/json');
      return;
    }
    sendJson(res, answer.status, answer.body);
  };

  const server = new ToggleServer(handler);
  await server.listen(options.port ?? 0);

  return {
    url: server.url(),
    state,
    received,
    wallSlot,
    headSlot,
    async setFault(next, opts = {}) {
      fault = next;
      delayMs = opts.delayMs ?? 2_000;
      if (next === 'none') {
        Object.assign(state, HEALTHY);
        zeroPeers = false;
      }
      if (next === 'syncing') state.behind = opts.behind ?? 5_000;
      if (next === 'optimistic') state.optimistic = true;
      if (next === 'el-offline') state.elOffline = true;
      if (next === 'unhealthy') state.unhealthy = true;
      if (next === 'stalled') state.stalledAt = wallSlot();
      if (next === 'no-finality') state.finalizedAt = epochOf(headSlot()) - 2;
      if (next === 'zero-peers') zeroPeers = true;
      if (next === 'down') await server.close();
      else if (!server.listening) await server.listen();
    },
    async close() {
      await server.close();
    },
  };
}
