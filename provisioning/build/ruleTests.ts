// promtool unit tests of the alert catalog (`promtool test rules`), written as scenarios: input
// series in promtool's expanding notation, then what must fire (with the value the summary
// shows) at given minutes. Expected annotations are rendered from the catalog the way
// Prometheus' template functions do (humanize, humanizePercentage), so promtool checks the
// summaries too.
import { stringify } from 'yaml';
import { ruleLabels } from './alerts.ts';
import { RULES, type AlertRule } from './rules.ts';

interface Firing {
  labels: Record<string, string>;
  value: number;
}

interface Check {
  /** minute of the evaluation */
  at: number;
  alert: string;
  /** the instances expected firing then (empty list = none) */
  firing: Firing[];
}

interface Scenario {
  name: string;
  /** series selector -> promtool values, one sample per minute */
  series: Record<string, string>;
  checks: Check[];
}

/** `alert` is not firing at minute `at`. */
const quiet = (at: number, alert: string): Check => ({ at, alert, firing: [] });
/** `alert` fires at minute `at` for one series, with `value` as the value its summary shows. */
const fires = (at: number, alert: string, labels: Record<string, string>, value: number): Check => ({ at, alert, firing: [{ labels, value }] });

const btc = { source: 'btc-main' };
const farm = { source: 'farm-a' };
const rig1 = { ...farm, miner: 'rig-1' };
const electrs = { ...btc, kind: 'electrs' };
const bot = { source: 'bot-1', cluster: 'bot-1', strategy: 'SampleStrategy', version: '2025.6' };
// node-exporter's labels (the job and instance Prometheus adds, the filesystem collector's own)
const hostA = { job: 'node', instance: 'host-a:9100' };
const rootfsLabels = { ...hostA, device: '/dev/sda1', fstype: 'ext4', mountpoint: '/' };
const fsSelector = (l: Record<string, string>) => `{${Object.entries(l).map(([k, v]) => `${k}="${v}"`).join(',')}}`;
const rootfs = fsSelector(rootfsLabels);
const ro = fsSelector({ ...hostA, device: '/dev/sdb1', fstype: 'ext4', mountpoint: '/mnt/archive' });
const data = fsSelector({ ...hostA, device: '/dev/nvme0n1p1', fstype: 'xfs', mountpoint: '/data' });
const botSeries = (name: string, extra = '') =>
  `${name}{source="bot-1",cluster="bot-1",strategy="SampleStrategy",version="2025.6"${extra}}`;

export const SCENARIOS: Scenario[] = [
  {
    name: 'bitcoin head stale: quiet without an hour of history, fires after 60 + 15 min without a block',
    series: {
      'bitcoin_blocks{source="btc-main"}': '800000x100',
      'bitcoin_blocks{source="btc-moving"}': '800000+1x100',
    },
    checks: [quiet(30, 'BitcoinHeadStale'), quiet(70, 'BitcoinHeadStale'), fires(80, 'BitcoinHeadStale', btc, 0)],
  },
  {
    name: 'bitcoin peers low, then none; resolves when peers return',
    series: { 'bitcoin_peers{source="btc-main"}': '8x5 2x19 0x20 10x10' },
    checks: [
      quiet(12, 'BitcoinPeersLow'),
      fires(20, 'BitcoinPeersLow', btc, 2),
      quiet(20, 'BitcoinNoPeers'),
      fires(40, 'BitcoinPeersLow', btc, 0),
      fires(40, 'BitcoinNoPeers', btc, 0),
      quiet(50, 'BitcoinPeersLow'),
      quiet(50, 'BitcoinNoPeers'),
    ],
  },
  {
    name: 'bitcoin IBD stalled: only while verification is incomplete',
    series: {
      'bitcoin_blocks{source="btc-ibd"}': '500000+100x40 504000x60',
      'bitcoin_verification_progress{source="btc-ibd"}': '0.6x100',
      'bitcoin_blocks{source="btc-synced"}': '800000x100',
      'bitcoin_verification_progress{source="btc-synced"}': '0.99999x100',
    },
    checks: [quiet(60, 'BitcoinIbdStalled'), quiet(75, 'BitcoinIbdStalled'), fires(85, 'BitcoinIbdStalled', { source: 'btc-ibd' }, 0)],
  },
  {
    // btc-b misses blocks from minute 11 (lag 3); btc-c falls one behind now and then (an instant between reads)
    name: 'bitcoin node behind the others in a chain view',
    series: {
      'bitcoin_node_lag_blocks{source="btc-a",view="nodes"}': '0x30',
      'bitcoin_node_lag_blocks{source="btc-b",view="nodes"}': '0x10 3x20',
      'bitcoin_node_lag_blocks{source="btc-c",view="nodes"}': '0 1 0 1 1 0 1 0x23',
    },
    checks: [quiet(18, 'BitcoinNodeBehind'), fires(25, 'BitcoinNodeBehind', { source: 'btc-b', view: 'nodes' }, 3)],
  },
  {
    // btc-c stays on a branch the others left from minute 6; btc-d was there 3 minutes only (it reorganized)
    name: 'bitcoin node on a stale branch',
    series: {
      'bitcoin_node_state{source="btc-c",view="nodes",state="stale"}': '0x5 1x20',
      'bitcoin_node_state{source="btc-d",view="nodes",state="stale"}': '0x5 1x3 0x17',
    },
    checks: [
      quiet(14, 'BitcoinNodeOnStaleBranch'),
      fires(20, 'BitcoinNodeOnStaleBranch', { source: 'btc-c', view: 'nodes', state: 'stale' }, 1),
    ],
  },
  {
    name: 'bitcoin mempool near the 300 MB limit',
    series: { 'bitcoin_mempool_usage{source="btc-main"}': '100000000x10 285000000x20' },
    checks: [quiet(15, 'BitcoinMempoolNearLimit'), fires(25, 'BitcoinMempoolNearLimit', btc, 0.95)],
  },
  {
    name: 'bitcoin ZMQ disconnected, then connected but silent',
    series: {
      'bitcoin_zmq_connected{source="btc-main"}': '1x5 0x10 1x30',
      'bitcoin_zmq_silent{source="btc-main"}': '0x16 1x30',
    },
    checks: [
      quiet(9, 'BitcoinZmqDown'),
      fires(13, 'BitcoinZmqDown', btc, 0),
      quiet(20, 'BitcoinZmqDown'),
      quiet(24, 'BitcoinZmqSilent'),
      fires(30, 'BitcoinZmqSilent', btc, 1),
    ],
  },
  {
    name: 'geth head stale and peers low',
    series: {
      'geth_rpc_head_age_seconds{source="geth-1"}': '12x5 0+60x20',
      'geth_rpc_peers{source="geth-1"}': '30x5 3x20',
    },
    checks: [
      quiet(8, 'GethHeadStale'),
      fires(12, 'GethHeadStale', { source: 'geth-1' }, 360),
      quiet(12, 'GethPeersLow'),
      fires(20, 'GethPeersLow', { source: 'geth-1' }, 3),
    ],
  },
  {
    name: 'geth txpool spike against the last hour (a small pool tripling is ignored)',
    series: {
      'geth_rpc_txpool_transactions{source="geth-1",state="pending"}': '2000x60 9000x30',
      'geth_rpc_txpool_transactions{source="geth-1",state="queued"}': '500x90',
      'geth_rpc_txpool_transactions{source="geth-2",state="pending"}': '100x60 400x30',
    },
    checks: [quiet(65, 'GethTxpoolSpike'), fires(75, 'GethTxpoolSpike', { source: 'geth-1' }, 4.5)],
  },
  {
    name: 'beacon: not ready, EL offline, syncing, head stale, no finality, few peers, the pair naming the side behind',
    series: {
      'beacon_health_status_code{source="cl-1"}': '200x5 206x10 503x20',
      'beacon_el_offline{source="cl-1"}': '0x5 1x10',
      'eth_con_sync_is_syncing{source="cl-1"}': '0x5 1x20',
      'beacon_head_age_seconds{source="cl-1"}': '12x5 0+60x20',
      'beacon_finality_epochs_behind{source="cl-1"}': '2x5 4x10 6x20',
      'eth_con_peers{source="cl-1",state="connected"}': '60x5 8x20',
      'eth_con_peers{source="cl-1",state="disconnected"}': '300x25',
      'beacon_pair_behind{source="cl-1",side="execution"}': '0x5 1x10',
      'beacon_pair_behind{source="cl-1",side="consensus"}': '0x25',
    },
    checks: [
      // 206 (syncing) is not "not ready"; 503 from minute 16 fires after 5 more
      quiet(15, 'BeaconNotReady'),
      quiet(19, 'BeaconNotReady'),
      fires(22, 'BeaconNotReady', { source: 'cl-1' }, 503),
      quiet(6, 'BeaconElOffline'),
      fires(9, 'BeaconElOffline', { source: 'cl-1' }, 1),
      quiet(14, 'BeaconSyncing'),
      fires(16, 'BeaconSyncing', { source: 'cl-1' }, 1),
      // 0+60 from minute 6: 180 s at minute 9 (the first above 120), firing from minute 12 at 360 s
      quiet(10, 'BeaconHeadStale'),
      fires(12, 'BeaconHeadStale', { source: 'cl-1' }, 360),
      // 4 epochs is not yet a leak; 6 from minute 17 fires after 10 more
      quiet(16, 'BeaconNoFinality'),
      quiet(25, 'BeaconNoFinality'),
      fires(28, 'BeaconNoFinality', { source: 'cl-1' }, 6),
      quiet(15, 'BeaconPeersLow'),
      fires(17, 'BeaconPeersLow', { source: 'cl-1' }, 8),
      quiet(9, 'EthereumPairBehind'),
      fires(11, 'EthereumPairBehind', { source: 'cl-1', side: 'execution' }, 1),
    ],
  },
  {
    name: 'lightning: force close at once, inactive after 15 min, low local share after 1 h, out of sync, behind bitcoind',
    series: {
      'lnd_channels_pending_total{source="ln-1",state="pending_force_close"}': '0x5 1x30',
      'lnd_channels_pending_total{source="ln-1",state="pending_open"}': '2x35',
      'lnd_channels_inactive_total{source="ln-1"}': '0x5 1x30',
      'lightning_channel_local_share{source="ln-1",chan_id="870200x300x0",status="active",initiator="false",peer="02ab"}': '0.5x10 0.05x80',
      'lightning_channel_local_share{source="ln-1",chan_id="870100x1200x1",status="active",initiator="true",peer="02cd"}': '0.6x90',
      'lnd_chain_synced{source="ln-1"}': '1x5 0x30',
      'lightning_blocks_behind{source="ln-1"}': '0x5 2x10 5x30',
    },
    checks: [
      quiet(4, 'LightningChannelForceClosed'),
      fires(8, 'LightningChannelForceClosed', { source: 'ln-1' }, 1),
      quiet(15, 'LightningChannelInactive'),
      fires(25, 'LightningChannelInactive', { source: 'ln-1' }, 1),
      quiet(60, 'LightningLocalLiquidityLow'),
      fires(75, 'LightningLocalLiquidityLow', { source: 'ln-1', chan_id: '870200x300x0', status: 'active', initiator: 'false', peer: '02ab' }, 0.05),
      quiet(12, 'LightningNotSynced'),
      fires(20, 'LightningNotSynced', { source: 'ln-1' }, 0),
      // 2 behind is within the threshold; 5 behind from minute 15 fires after 10 more minutes
      quiet(20, 'LightningBehindBitcoind'),
      fires(30, 'LightningBehindBitcoind', { source: 'ln-1' }, 5),
    ],
  },
  {
    name: 'electrum index lagging, then the server down',
    series: {
      'electrum_index_lag_blocks{source="btc-main",kind="electrs"}': '0x5 5x20',
      'electrum_up{source="btc-main",kind="electrs"}': '1x25 0x10',
    },
    checks: [
      quiet(12, 'ElectrumIndexLagging'),
      fires(20, 'ElectrumIndexLagging', electrs, 5),
      quiet(28, 'ElectrumDown'),
      fires(33, 'ElectrumDown', electrs, 0),
    ],
  },
  {
    name: 'miner offline, auto-resolves when it answers again',
    series: {
      'mining_up{source="farm-a",miner="rig-1"}': '1x5 0x10 1x10',
      'mining_up{source="farm-a",miner="rig-2"}': '1x25',
    },
    checks: [quiet(9, 'MinerOffline'), fires(13, 'MinerOffline', rig1, 0), quiet(22, 'MinerOffline')],
  },
  {
    name: 'board hot (warning) then critical',
    series: { 'mining_temperature_max_celsius{source="farm-a",miner="rig-1"}': '70x5 90x10 97x10' },
    checks: [quiet(9, 'MinerBoardHot'), fires(14, 'MinerBoardHot', rig1, 90), quiet(14, 'MinerBoardCritical'), fires(20, 'MinerBoardCritical', rig1, 97)],
  },
  {
    name: 'fan stopped on a running miner; an offline miner is left to MinerOffline',
    series: {
      'mining_fan_min_rpm{source="farm-a",miner="rig-1"}': '6000x5 0x10',
      'mining_up{source="farm-a",miner="rig-1"}': '1x15',
      'mining_fan_min_rpm{source="farm-a",miner="rig-2"}': '0x15',
      'mining_up{source="farm-a",miner="rig-2"}': '0x15',
    },
    checks: [quiet(7, 'MinerFanStopped'), fires(10, 'MinerFanStopped', rig1, 0)],
  },
  {
    name: 'reject rate above 5 % for 15 minutes',
    series: {
      'mining_shares_accepted_total{source="farm-a",miner="rig-1"}': '0+100x60',
      'mining_shares_rejected_total{source="farm-a",miner="rig-1"}': '0+2x20 60+20x40',
    },
    checks: [quiet(20, 'MinerRejectRateHigh'), fires(55, 'MinerRejectRateHigh', rig1, 20 / 120)],
  },
  {
    name: 'fleet hashrate 30 % below its last-hour peak',
    series: { 'mining_fleet_hashrate_hashes_per_second{source="farm-a"}': '1e15x30 7e14x30' },
    checks: [quiet(35, 'FleetHashrateDrop'), fires(45, 'FleetHashrateDrop', farm, 1 - 7e14 / 1e15)],
  },
  {
    // rig-1 at 110 TH/s to minute 30, then 55 TH/s; nominal 110 TH/s. With k of 30 samples at
    // 55 the mean is (30 − k)·110 + 55k over 30, below 0.9 × 110 = 99 once k ≥ 7 (minute 37),
    // so it fires 15 min later (~52); quiet at 45 (pending). At 70 the window is all 55: 0.5.
    // rig-2 at 100 of 110 TH/s (0.909): never. rig-3 offline at 0: left to MinerOffline.
    name: 'miner underperforming against its nominal hashrate over 30 min',
    series: {
      'mining_hashrate_hashes_per_second{source="farm-a",miner="rig-1"}': '110e12x30 55e12x60',
      'mining_hashrate_nominal_hashes_per_second{source="farm-a",miner="rig-1"}': '110e12x90',
      'mining_up{source="farm-a",miner="rig-1"}': '1x90',
      'mining_hashrate_hashes_per_second{source="farm-a",miner="rig-2"}': '100e12x90',
      'mining_hashrate_nominal_hashes_per_second{source="farm-a",miner="rig-2"}': '110e12x90',
      'mining_up{source="farm-a",miner="rig-2"}': '1x90',
      'mining_hashrate_hashes_per_second{source="farm-a",miner="rig-3"}': '0x90',
      'mining_hashrate_nominal_hashes_per_second{source="farm-a",miner="rig-3"}': '110e12x90',
      'mining_up{source="farm-a",miner="rig-3"}': '0x90',
    },
    checks: [quiet(45, 'MinerUnderperforming'), fires(70, 'MinerUnderperforming', rig1, 0.5)],
  },
  {
    // braiins-farm credits 270 of 360 TH/s (0.75) from minute 10, for the hour `for`; the luxor
    // account at 0.95 never fires. The luxor account's API stops answering at minute 20.
    name: 'pool account under-credited for an hour, unreadable for 30 min, a miner the pool does not see',
    series: {
      'pool_account_credited_ratio{source="farm-a",account="braiins-farm",pool="braiins"}': '1x10 0.75x80',
      'pool_account_credited_ratio{source="farm-a",account="luxor-farm",pool="luxor"}': '0.95x90',
      'pool_account_up{source="farm-a",account="luxor-farm",pool="luxor"}': '1x20 0x70',
      'pool_account_miners_not_at_pool{source="farm-a",account="braiins-farm",pool="braiins"}': '0x10 1x80',
    },
    checks: [
      quiet(60, 'PoolAccountUnderCredited'),
      fires(75, 'PoolAccountUnderCredited', { source: 'farm-a', account: 'braiins-farm', pool: 'braiins' }, 0.75),
      quiet(45, 'PoolAccountUnreadable'),
      fires(55, 'PoolAccountUnreadable', { source: 'farm-a', account: 'luxor-farm', pool: 'luxor' }, 0),
      quiet(20, 'PoolAccountMinerNotAtPool'),
      fires(30, 'PoolAccountMinerNotAtPool', { source: 'farm-a', account: 'braiins-farm', pool: 'braiins' }, 1),
    ],
  },
  {
    name: 'chips and fans missing, firmware errors, a sleeping miner, a miner on an unexpected pool',
    series: {
      'mining_up{source="farm-a",miner="rig-1"}': '1x30',
      'mining_chips_missing{source="farm-a",miner="rig-1"}': '0x5 10x25',
      'mining_fans_missing{source="farm-a",miner="rig-1"}': '0x5 1x25',
      'mining_firmware_errors{source="farm-a",miner="rig-1"}': '0x5 2x25',
      'mining_state_info{source="farm-a",miner="rig-1",state="sleeping"}': '_x5 1x25',
      'mining_pool_unexpected{source="farm-a",miner="rig-1"}': '0x5 1x25',
      // an offline miner's last readings say nothing (MinerOffline covers it)
      'mining_up{source="farm-a",miner="rig-2"}': '0x30',
      'mining_chips_missing{source="farm-a",miner="rig-2"}': '50x30',
    },
    checks: [
      quiet(5, 'MinerChipsMissing'),
      quiet(12, 'MinerChipsMissing'),
      fires(20, 'MinerChipsMissing', rig1, 10),
      quiet(8, 'MinerFanMissing'),
      fires(12, 'MinerFanMissing', rig1, 1),
      fires(12, 'MinerFirmwareErrors', rig1, 2),
      quiet(12, 'MinerNotMining'),
      fires(20, 'MinerNotMining', { ...rig1, state: 'sleeping' }, 1),
      quiet(6, 'MinerPoolUnexpected'),
      fires(8, 'MinerPoolUnexpected', rig1, 1),
    ],
  },
  {
    name: 'stacks tip stalled',
    series: { 'stacks_info_tip_age_seconds{source="stx-1"}': '0+60x60' },
    checks: [quiet(33, 'StacksTipStalled'), fires(40, 'StacksTipStalled', { source: 'stx-1' }, 2400)],
  },
  {
    name: 'stacks burn height behind bitcoin',
    series: { 'stacks_burn_block_lag{source="stx-1"}': '0x5 4x20' },
    checks: [quiet(12, 'StacksBurnHeightBehind'), fires(20, 'StacksBurnHeightBehind', { source: 'stx-1' }, 4)],
  },
  {
    // healthy: the signer's view trails by up to 61 s + two 15 s polls (0..96 s, a sawtooth, while
    // the block gap reaches 15+ with 5 s blocks); then its refresh fails and the age grows a minute a minute
    name: "stacks signer's view of its node: a minute old is normal, a stuck one fires",
    series: { 'stacks_info_signer_behind_seconds{source="stx-1"}': '0 45 90 30 75 15 60 0 45 90 30 75 15 60 0 45 90 30 75 15 60 120+60x20' },
    checks: [quiet(20, 'StacksSignerBehind'), quiet(29, 'StacksSignerBehind'), fires(31, 'StacksSignerBehind', { source: 'stx-1' }, 720)],
  },
  {
    name: 'stacks signer not registered for the current cycle',
    series: { 'stacks_info_signer_registered{source="stx-1"}': '1x10 0x20', 'stacks_info_signer_registered{source="stx-2"}': '1x30' },
    checks: [quiet(14, 'StacksSignerNotRegistered'), fires(20, 'StacksSignerNotRegistered', { source: 'stx-1' }, 0)],
  },
  {
    // stx-1: 10 accepted a minute, then from minute 11 one accepted and nine rejected a minute;
    // at minute 25 both 5-minute rates are extrapolated alike: 9 / (9 + 1)
    name: 'stacks signer rejection rate above half (a healthy signer beside it stays quiet)',
    series: {
      'stacks_signer_block_responses_sent{source="stx-1",response_type="accepted"}': '0+10x10 100+1x30',
      'stacks_signer_block_responses_sent{source="stx-1",response_type="rejected"}': '0x10 0+9x30',
      'stacks_signer_block_responses_sent{source="stx-2",response_type="accepted"}': '0+10x40',
      'stacks_signer_block_responses_sent{source="stx-2",response_type="rejected"}': '0x40',
    },
    checks: [quiet(10, 'StacksSignerRejecting'), fires(25, 'StacksSignerRejecting', { source: 'stx-1' }, 0.9)],
  },
  {
    // stx-1: miner_view +3 a minute from minute 12; at minute 30 the window (20, 30] holds 27 over
    // 9 sampled minutes, extrapolated to 10: 30. stx-2: two conflicts once (a burn block's arrival)
    name: 'stacks signer state conflicts',
    series: {
      'stacks_signer_agreement_state_conflicts{source="stx-1",conflict="burn_block_delay"}': '2x40',
      'stacks_signer_agreement_state_conflicts{source="stx-1",conflict="miner_view"}': '1x10 1+3x30',
      'stacks_signer_agreement_state_conflicts{source="stx-2",conflict="burn_block_delay"}': '0x15 2x25',
    },
    checks: [quiet(12, 'StacksSignerStateConflicts'), fires(30, 'StacksSignerStateConflicts', { source: 'stx-1' }, 30)],
  },
  {
    // stx-1: ten responses a minute under a second, from minute 17 ten a minute of 60-120 s; at
    // minute 40 every recent one is in (60, 120]: 60 + 60 * 0.95 = 117 (quantile.go bucketQuantile)
    name: 'stacks signer slow block responses (p95 over a minute)',
    series: {
      'stacks_signer_block_response_latencies_histogram_bucket{source="stx-1",le="1"}': '0+10x15 150x35',
      'stacks_signer_block_response_latencies_histogram_bucket{source="stx-1",le="60"}': '0+10x15 150x35',
      'stacks_signer_block_response_latencies_histogram_bucket{source="stx-1",le="120"}': '0+10x15 150+10x35',
      'stacks_signer_block_response_latencies_histogram_bucket{source="stx-1",le="+Inf"}': '0+10x15 150+10x35',
      'stacks_signer_block_response_latencies_histogram_bucket{source="stx-2",le="1"}': '0+10x50',
      'stacks_signer_block_response_latencies_histogram_bucket{source="stx-2",le="60"}': '0+10x50',
      'stacks_signer_block_response_latencies_histogram_bucket{source="stx-2",le="120"}': '0+10x50',
      'stacks_signer_block_response_latencies_histogram_bucket{source="stx-2",le="+Inf"}': '0+10x50',
    },
    checks: [quiet(25, 'StacksSignerSlowResponses'), fires(40, 'StacksSignerSlowResponses', { source: 'stx-1' }, 117)],
  },
  {
    // one proposal timeout and two validation timeouts logged at minute 11; increase() from a zero
    // first sample is not extrapolated below it, so the windows show 1 and 2 until they pass
    name: 'stacks signer proposal and validation timeouts, resolving when the window has passed',
    series: {
      'stacks_log_signer_events_total{source="stx-1",event="proposal_timeout"}': '0x10 1x40',
      'stacks_log_signer_events_total{source="stx-1",event="validation_timeout"}': '0x10 2x40',
      'stacks_log_signer_events_total{source="stx-2",event="proposal_timeout"}': '0x50',
    },
    checks: [
      quiet(10, 'StacksSignerProposalTimeout'),
      fires(20, 'StacksSignerProposalTimeout', { source: 'stx-1' }, 1),
      quiet(45, 'StacksSignerProposalTimeout'),
      quiet(10, 'StacksSignerValidationLate'),
      fires(20, 'StacksSignerValidationLate', { source: 'stx-1' }, 2),
      quiet(30, 'StacksSignerValidationLate'),
    ],
  },
  {
    name: 'stacks signer log silent',
    series: { 'stacks_log_last_line_age_seconds{source="stx-1",service="signer"}': '5x10 0+60x30' },
    checks: [quiet(20, 'StacksSignerLogSilent'), fires(25, 'StacksSignerLogSilent', { source: 'stx-1', service: 'signer' }, 840)],
  },
  {
    name: 'fleet and miner below break-even; stale market data',
    series: {
      'profitability_fleet_profit_per_day{source="profit",fleet="farm-a",currency="usd"}': '120x10 -12.5x50',
      'profitability_miner_profit_per_day{source="profit",fleet="farm-a",miner="rig-7",currency="usd"}': '3x10 -1.25x80',
      'profitability_miner_profit_per_day{source="profit",fleet="farm-a",miner="rig-1",currency="usd"}': '8x90',
      'profitability_market_stale{source="profit"}': '0x10 1x40',
    },
    checks: [
      quiet(35, 'FleetBelowBreakEven'),
      fires(45, 'FleetBelowBreakEven', { source: 'profit', fleet: 'farm-a', currency: 'usd' }, -12.5),
      quiet(60, 'MinerBelowBreakEven'),
      fires(75, 'MinerBelowBreakEven', { source: 'profit', fleet: 'farm-a', miner: 'rig-7', currency: 'usd' }, -1.25),
      quiet(35, 'ProfitabilityMarketStale'),
      fires(45, 'ProfitabilityMarketStale', { source: 'profit' }, 1),
    ],
  },
  {
    // curtailed with high projected fees from minute 11 to 31; another fleet never signals
    name: 'fees high while curtailed: stop curtailing after 10 minutes, quiet again when fees fall',
    series: {
      'profitability_fleet_stop_curtailing{source="profit",fleet="farm-a"}': '0x10 1x20 0x15',
      'profitability_fleet_stop_curtailing{source="profit",fleet="farm-b"}': '0x46',
    },
    checks: [
      quiet(20, 'FeesHighStopCurtailing'),
      fires(30, 'FeesHighStopCurtailing', { source: 'profit', fleet: 'farm-a' }, 1),
      quiet(45, 'FeesHighStopCurtailing'),
    ],
  },
  {
    name: 'freqtrade API down',
    series: { [botSeries('freqtrade_build_info')]: '1x5 0x10' },
    checks: [quiet(9, 'FreqtradeBotDown'), fires(13, 'FreqtradeBotDown', bot, 0)],
  },
  {
    name: 'freqtrade bot stopped (a running bot beside it stays quiet)',
    series: {
      [botSeries('freqtrade_state', ',text="stopped"')]: '0x15',
      'freqtrade_state{source="bot-2",cluster="bot-2",strategy="SampleStrategy",version="2025.6",text="running"}': '1x15',
    },
    checks: [quiet(3, 'FreqtradeBotStopped'), fires(8, 'FreqtradeBotStopped', { ...bot, text: 'stopped' }, 0)],
  },
  {
    name: 'freqtrade heartbeat stale',
    series: { [botSeries('freqtrade_heartbeat_age_seconds')]: '5x5 400x10' },
    checks: [quiet(7, 'FreqtradeHeartbeatStale'), fires(10, 'FreqtradeHeartbeatStale', bot, 400)],
  },
  {
    name: 'freqtrade drawdown over 20 %',
    series: { [botSeries('freqtrade_drawdown_current_ratio')]: '0.05x5 0.25x10' },
    checks: [quiet(9, 'FreqtradeDrawdownHigh'), fires(13, 'FreqtradeDrawdownHigh', bot, 0.25)],
  },
  {
    name: 'nodescope source down',
    series: { 'nodescope_source_up{source="btc-main"}': '1x5 0x10' },
    checks: [quiet(9, 'NodescopeSourceDown'), fires(13, 'NodescopeSourceDown', btc, 0)],
  },
  {
    name: 'nodescope proxy not scraped',
    series: { 'up{job="nodescope",instance="127.0.0.1:8787"}': '1x5 0x10' },
    checks: [quiet(7, 'NodescopeProxyDown'), fires(10, 'NodescopeProxyDown', { job: 'nodescope', instance: '127.0.0.1:8787' }, 0)],
  },
  // --- host: the proxy's readings, then node-exporter's (labels as the real exporter writes them) ---
  {
    name: 'datadir full within a week: fires after an hour below 7 days',
    series: { 'nodescope_datadir_days_until_full{source="btc-main"}': '20x10 6x70' },
    checks: [quiet(60, 'DatadirFullSoon'), fires(75, 'DatadirFullSoon', btc, 6)],
  },
  {
    name: 'datadir space low: 80 of 1000 GB available is 8 %',
    series: {
      'nodescope_datadir_size_bytes{source="btc-main"}': '1000e9x40',
      'nodescope_datadir_avail_bytes{source="btc-main"}': '200e9x5 80e9x35',
    },
    checks: [quiet(15, 'DatadirSpaceLow'), fires(25, 'DatadirSpaceLow', btc, 0.08)],
  },
  {
    name: "the node's host memory: 1.5 of 32 GB available is 4.6875 %",
    series: {
      'nodescope_host_memory_total_bytes{source="btc-main"}': '32e9x40',
      'nodescope_host_memory_available_bytes{source="btc-main"}': '12e9x5 1.5e9x35',
    },
    checks: [quiet(15, 'DatadirHostMemoryLow'), fires(25, 'DatadirHostMemoryLow', btc, 0.046875)],
  },
  {
    name: "bitcoind's clock offset beyond 30 s either way",
    series: { 'bitcoin_timeoffset_seconds{source="btc-main"}': '0x5 -45x30' },
    checks: [quiet(15, 'BitcoinClockOffset'), fires(25, 'BitcoinClockOffset', btc, 45)],
  },
  {
    // avail falls 1 GB a minute from 10 000 GB: deriv = −1e9/60 B/s, so at minute 70 the
    // 9 930 GB left last 9930e9 / (1e9/60 · 86400) = 9930 / 1440 = 6.8958 days. The second disk
    // fills as fast but is read-only, the third frees up: neither fires.
    name: 'host disk full within a week at the last 6 hours of growth',
    series: {
      [`node_filesystem_avail_bytes${rootfs}`]: '10000e9-1e9x80',
      [`node_filesystem_readonly${rootfs}`]: '0x80',
      [`node_filesystem_avail_bytes${ro}`]: '10000e9-1e9x80',
      [`node_filesystem_readonly${ro}`]: '1x80',
      [`node_filesystem_avail_bytes${data}`]: '100e9+1e9x80',
      [`node_filesystem_readonly${data}`]: '0x80',
    },
    checks: [quiet(55, 'HostDiskFullSoon'), fires(70, 'HostDiskFullSoon', rootfsLabels, 9930 / 1440)],
  },
  {
    name: 'host disk space low: 50 of 1000 GB is 5 %',
    series: {
      [`node_filesystem_avail_bytes${rootfs}`]: '200e9x5 50e9x35',
      [`node_filesystem_size_bytes${rootfs}`]: '1000e9x40',
      [`node_filesystem_readonly${rootfs}`]: '0x40',
    },
    checks: [quiet(15, 'HostDiskSpaceLow'), fires(25, 'HostDiskSpaceLow', rootfsLabels, 0.05)],
  },
  {
    name: 'host clock 200 ms off, then not synchronising',
    series: {
      'node_timex_offset_seconds{job="node",instance="host-a:9100"}': '0.001x5 -0.2x20',
      'node_timex_sync_status{job="node",instance="host-a:9100"}': '1x5 0x30',
      'node_timex_maxerror_seconds{job="node",instance="host-a:9100"}': '0.01x5 16x30',
    },
    checks: [
      quiet(12, 'HostClockOffset'),
      fires(20, 'HostClockOffset', hostA, 0.2),
      quiet(12, 'HostClockNotSynchronising'),
      fires(20, 'HostClockNotSynchronising', hostA, 0),
    ],
  },
  {
    name: 'host memory: 1 of 16 GB available is 6.25 %',
    series: {
      'node_memory_MemAvailable_bytes{job="node",instance="host-a:9100"}': '8e9x5 1e9x30',
      'node_memory_MemTotal_bytes{job="node",instance="host-a:9100"}': '16e9x40',
    },
    checks: [quiet(15, 'HostMemoryLow'), fires(25, 'HostMemoryLow', hostA, 0.0625)],
  },
  {
    name: 'node-exporter not scraped',
    series: { 'up{job="node",instance="host-a:9100"}': '1x5 0x10' },
    checks: [quiet(9, 'NodeExporterDown'), fires(12, 'NodeExporterDown', hostA, 0)],
  },
];

// --- Prometheus template functions, as far as the summaries use them ----------------------------

/** Go's %.4g for the magnitudes the summaries show. */
function g4(value: number): string {
  if (value === 0) return '0';
  const exponent = Math.floor(Math.log10(Math.abs(value)));
  if (exponent < -4 || exponent >= 4) {
    const [mantissa = '', exp = '0'] = value.toExponential(3).split('e');
    const m = mantissa.includes('.') ? mantissa.replace(/\.?0+$/, '') : mantissa;
    const e = Number(exp);
    return `${m}e${e < 0 ? '-' : '+'}${String(Math.abs(e)).padStart(2, '0')}`;
  }
  return String(Number(value.toPrecision(4)));
}

/** Prometheus' `humanize` (template.go): SI prefixes, %.4g. */
export function humanize(value: number): string {
  if (value === 0 || !Number.isFinite(value)) return g4(value);
  if (Math.abs(value) >= 1) {
    const prefixes = ['', 'k', 'M', 'G', 'T', 'P', 'E', 'Z', 'Y'];
    let i = 0;
    while (Math.abs(value) >= 1000 && i < prefixes.length - 1) {
      value /= 1000;
      i++;
    }
    return `${g4(value)}${prefixes[i]}`;
  }
  const prefixes = ['', 'm', 'u', 'n', 'p', 'f', 'a', 'z', 'y'];
  let i = 0;
  while (Math.abs(value) < 1 && i < prefixes.length - 1) {
    value *= 1000;
    i++;
  }
  return `${g4(value)}${prefixes[i]}`;
}

export function humanizePercentage(value: number): string {
  return `${g4(value * 100)}%`;
}

/** The Prometheus rendering of a catalog summary for one alert instance. */
export function renderSummary(rule: AlertRule, labels: Record<string, string>, value: number): string {
  return rule.summary
    .replace(/\{\{source\}\}/g, labels.source ?? '')
    .replace(/\{\{label:([a-zA-Z_][a-zA-Z0-9_]*)\}\}/g, (_, name: string) => labels[name] ?? '')
    .replace(/\{\{value\}\}/g, humanize(value))
    .replace(/\{\{percent\}\}/g, humanizePercentage(value));
}

export function promtoolTests(rulesFile = 'nodescope-rules.yml'): string {
  const rule = (name: string) => {
    const found = RULES.find((r) => r.alert === name);
    if (!found) throw new Error(`scenario names unknown alert ${name}`);
    return found;
  };
  const tests = SCENARIOS.map((scenario) => ({
    name: scenario.name,
    interval: '1m',
    input_series: Object.entries(scenario.series).map(([series, values]) => ({ series, values })),
    alert_rule_test: scenario.checks.map((check) => {
      const r = rule(check.alert);
      return {
        eval_time: `${check.at}m`,
        alertname: check.alert,
        exp_alerts: check.firing.map((f) => ({
          exp_labels: { ...f.labels, ...ruleLabels(r) },
          exp_annotations: {
            summary: renderSummary(r, f.labels, f.value),
            description: r.description,
            dashboard: `/d/${r.dashboard}`,
          },
        })),
      };
    }),
  }));
  return (
    '# GENERATED from provisioning/build/ruleTests.ts - run: promtool test rules nodescope-rules.test.yml\n' +
    stringify({ rule_files: [rulesFile], evaluation_interval: '1m', tests }, { lineWidth: 0 })
  );
}

/** Alerts of the catalog that no scenario checks firing (the test requires none). */
export function untestedAlerts(): string[] {
  const fired = new Set(SCENARIOS.flatMap((s) => s.checks.filter((c) => c.firing.length > 0).map((c) => c.alert)));
  return RULES.map((r) => r.alert).filter((name) => !fired.has(name));
}
