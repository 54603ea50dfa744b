// The alert catalog: one list, two outputs. `npx node provisioning/build/write.ts` turns
// it into the Prometheus/vmalert rules file (prometheus/nodescope-rules.yml) and Grafana's
// file-provisioned alert rules (alerting/nodescope-rules.yaml), so the two never drift; a test
// regenerates both and compares them with the committed files.
//
// Each rule is "a PromQL query whose value is compared with a threshold": Prometheus gets
// `(query) > threshold`, Grafana gets query A (instant) + a threshold expression C, so the
// threshold stays a number a user can edit in Grafana's rule editor (a per-rule
// threshold). Every query keeps the `source` label (and `miner`/`board`/… where the metric has
// them), which is what notification policies group by.

export type Severity = 'critical' | 'warning' | 'info';
export type Domain = 'bitcoin' | 'electrum' | 'stacks' | 'geth' | 'beacon' | 'lightning' | 'mining' | 'profitability' | 'freqtrade' | 'host' | 'nodescope';

export interface AlertRule {
  /** Prometheus alertname, Grafana rule title */
  alert: string;
  domain: Domain;
  /** PromQL; its value is what the threshold compares */
  query: string;
  op: '>' | '<';
  threshold: number;
  /** how long the condition must hold before firing (Prometheus `for`, Grafana `for`) */
  for: string;
  severity: Severity;
  /** one line; `{{source}}`, `{{value}}` (humanized), `{{percent}}` (value as %), `{{label:NAME}}` */
  summary: string;
  description: string;
  /** dashboard uid the notification links to */
  dashboard: string;
}

/** Grafana's folder for every rule group. */
export const RULE_FOLDER = 'nodescope alerts';

export interface RuleGroup {
  domain: Domain;
  /** evaluation interval (Grafana needs a multiple of 10 s) */
  interval: string;
  /** the dashboard notifications link to, unless a rule names its own */
  dashboard: string;
  rules: Array<Omit<AlertRule, 'domain' | 'dashboard'> & { dashboard?: string }>;
}

/** The alert rules, one group per domain (a rule group in both outputs, evaluated every `interval`). */
export const RULE_GROUPS: RuleGroup[] = [
  // --- Bitcoin Core ----------------------------------------------------------------------------
  {
    domain: 'bitcoin',
    interval: '1m',
    dashboard: 'nodescope-bitcoin',
    rules: [
      {
        alert: 'BitcoinHeadStale',
        // compares with the height an hour ago; right after Prometheus starts there is no sample an
        // hour back, so the rule stays quiet instead of firing on a short history
        query: 'bitcoin_blocks - bitcoin_blocks offset 1h',
        op: '<',
        threshold: 1,
        for: '15m',
        severity: 'warning',
        summary: '{{source}}: no new block for more than 75 minutes',
        description:
          'bitcoin_blocks has not increased in the last hour (and for 15 more minutes). Blocks come every ~10 min on mainnet; a gap this long is rare (~1 in 8000) and usually means the node stopped syncing: check peers, disk space and the debug.log.',
      },
      {
        alert: 'BitcoinPeersLow',
        query: 'bitcoin_peers',
        op: '<',
        threshold: 4,
        for: '10m',
        severity: 'warning',
        summary: '{{source}}: only {{value}} peers connected',
        description: 'Fewer than 4 peers for 10 minutes. Check the network, the firewall (port 8333 inbound) and `-maxconnections`.',
        dashboard: 'nodescope-bitcoin-peers',
      },
      {
        alert: 'BitcoinNoPeers',
        query: 'bitcoin_peers',
        op: '<',
        threshold: 1,
        for: '5m',
        severity: 'critical',
        summary: '{{source}}: no peers connected',
        description: 'The node has had no connection for 5 minutes: it sees no new blocks or transactions.',
        dashboard: 'nodescope-bitcoin-peers',
      },
      {
        alert: 'BitcoinIbdStalled',
        // during initial block download there is always a next block to verify: no progress in
        // 30 minutes while verification is below 99.99 % means IBD is stuck
        query: '(bitcoin_blocks - bitcoin_blocks offset 30m) and on (source) (bitcoin_verification_progress < 0.9999)',
        op: '<',
        threshold: 1,
        for: '10m',
        severity: 'critical',
        summary: '{{source}}: initial block download stalled (no block verified in 40 minutes)',
        description:
          'verificationprogress is below 0.9999 and the height has not moved. Typical causes: disk full, too little dbcache/memory, no peers serving blocks, or a corrupted block database (restart with -reindex-chainstate).',
      },
      {
        alert: 'BitcoinMempoolNearLimit',
        // 90 % of bitcoind's default -maxmempool=300 (MB): at the limit bitcoind evicts the cheapest
        // transactions and raises mempoolminfee. Change 300e6 if your node sets -maxmempool.
        query: 'bitcoin_mempool_usage / 300e6',
        op: '>',
        threshold: 0.9,
        for: '10m',
        severity: 'warning',
        summary: '{{source}}: mempool memory at {{percent}} of the 300 MB default limit',
        description:
          'Mempool memory usage is above 90 % of -maxmempool (300 MB default). bitcoind now evicts low-fee transactions and its mempoolminfee rises; fee estimates and the mempool panels reflect only the kept part.',
        dashboard: 'nodescope-mempool',
      },
      {
        alert: 'BitcoinZmqDown',
        // only sources with zmq configured have the series
        query: 'bitcoin_zmq_connected',
        op: '<',
        threshold: 1,
        for: '5m',
        severity: 'warning',
        summary: '{{source}}: ZMQ sequence socket disconnected',
        description:
          'The proxy lost its zmqpubsequence connection for 5 minutes and follows the mempool by polling (slower, heavier on the node). Check -zmqpubsequence and that the port is reachable.',
      },
      {
        alert: 'BitcoinZmqSilent',
        query: 'bitcoin_zmq_silent',
        op: '>',
        threshold: 0,
        for: '10m',
        severity: 'warning',
        summary: '{{source}}: ZMQ connected but silent while the mempool changes',
        description:
          'The socket is connected but bitcoind publishes nothing although its mempool changes: usually -zmqpubsequence points at another address, or a proxy/NAT in between drops the stream.',
      },
      // one chain, several nodes (a chain view source over several bitcoin sources, sources/chain):
      // `source` is the node, `view` the chain view comparing it
      {
        alert: 'BitcoinNodeBehind',
        // blocks reach healthy nodes within seconds; two behind for 10 minutes is a node not
        // receiving or not connecting blocks (a lag of one can be the instant between two reads)
        query: 'bitcoin_node_lag_blocks',
        op: '>',
        threshold: 1,
        for: '10m',
        severity: 'warning',
        summary: '{{source}}: {{value}} blocks behind the best tip of {{label:view}}',
        description:
          'This node is more than one block behind the best of the nodes it is compared with, for 10 minutes: it is not getting blocks (peers, network) or not connecting them (disk, CPU, a stuck validation). The chain view\'s nodes query shows its headers: headers ahead of blocks means blocks are missing, equal means it does not even hear of them.',
        dashboard: 'nodescope-chain',
      },
      {
        alert: 'BitcoinNodeOnStaleBranch',
        // another node holds this node's tip off its active chain as valid-fork (reorganized away),
        // invalid, or valid-headers under a longer chain (bitcoin/bitcoin src/rpc/blockchain.cpp getchaintips)
        query: 'bitcoin_node_state{state="stale"}',
        op: '>',
        threshold: 0,
        for: '10m',
        severity: 'warning',
        summary: '{{source}}: on a branch the other nodes of {{label:view}} left',
        description:
          "This node's tip is a block the other nodes reorganized away from or never took, for 10 minutes: it does not reorganize to the chain they follow (no peers sending the longer chain, or it considers that chain invalid: compare the nodes' versions and their getchaintips).",
        dashboard: 'nodescope-chain',
      },
    ],
  },
  // --- Electrum server (Electrs / Fulcrum) -----------------------------------------------------
  {
    domain: 'electrum',
    interval: '1m',
    dashboard: 'nodescope-electrum',
    rules: [
      {
        alert: 'ElectrumIndexLagging',
        query: 'electrum_index_lag_blocks',
        op: '>',
        threshold: 2,
        for: '10m',
        severity: 'warning',
        summary: '{{source}}: {{label:kind}} index {{value}} blocks behind the node',
        description:
          'The Electrum server has not indexed the latest blocks for 10 minutes: wallets see stale balances and history. Check its log, disk and its RPC access to bitcoind.',
      },
      {
        alert: 'ElectrumDown',
        query: 'electrum_up',
        op: '<',
        threshold: 1,
        for: '5m',
        severity: 'critical',
        summary: '{{source}}: {{label:kind}} not answering',
        description: "The Electrum server's metrics/stats endpoint has not answered for 5 minutes: the server is down or restarting (a full re-index takes hours).",
      },
    ],
  },
  // --- mining fleet (CGMiner API) --------------------------------------------------------------
  {
    domain: 'mining',
    interval: '1m',
    dashboard: 'nodescope-mining-fleet',
    rules: [
      {
        alert: 'MinerOffline',
        query: 'mining_up',
        op: '<',
        threshold: 1,
        for: '5m',
        severity: 'critical',
        summary: '{{source}}: miner {{label:miner}} is offline',
        description: 'The miner has not answered the CGMiner API for 5 minutes (powered off, network, crashed cgminer/bmminer, or its API port closed).',
      },
      {
        alert: 'MinerBoardHot',
        // the miner's hottest chip or board (per-board series exist only with metricsDetail: boards)
        query: 'mining_temperature_max_celsius',
        op: '>',
        threshold: 85,
        for: '5m',
        severity: 'warning',
        summary: '{{source}}: miner {{label:miner}} hottest board at {{value}} °C',
        description: 'A hash board has been above 85 °C for 5 minutes. Check intake temperature, airflow and dust; most firmware throttles or shuts down near 95 °C.',
      },
      {
        alert: 'MinerBoardCritical',
        query: 'mining_temperature_max_celsius',
        op: '>',
        threshold: 95,
        for: '2m',
        severity: 'critical',
        summary: '{{source}}: miner {{label:miner}} hottest board at {{value}} °C',
        description: 'A hash board has been above 95 °C for 2 minutes: the firmware is about to shut it down, and chips age fast at this temperature.',
      },
      {
        alert: 'MinerFanStopped',
        // only miners that answer: an offline miner reports no fans (MinerOffline covers it)
        query: 'mining_fan_min_rpm and on (source, miner) (mining_up == 1)',
        op: '<',
        threshold: 1,
        for: '2m',
        severity: 'critical',
        summary: '{{source}}: miner {{label:miner}} has a stopped fan',
        description: 'The slowest fan of a running miner reports 0 RPM. Boards overheat within minutes without it.',
      },
      {
        alert: 'MinerRejectRateHigh',
        query:
          'sum by (source, miner) (rate(mining_shares_rejected_total[15m])) / (sum by (source, miner) (rate(mining_shares_accepted_total[15m])) + sum by (source, miner) (rate(mining_shares_rejected_total[15m])))',
        op: '>',
        threshold: 0.05,
        for: '15m',
        severity: 'warning',
        summary: '{{source}}: miner {{label:miner}} rejects {{percent}} of its shares',
        description: 'More than 5 % of shares were rejected over 15 minutes: stale work (latency to the pool), wrong difficulty, or failing hash boards.',
      },
      {
        alert: 'FleetHashrateDrop',
        // drop relative to the best fleet hashrate of the last hour
        query: '1 - mining_fleet_hashrate_hashes_per_second / max_over_time(mining_fleet_hashrate_hashes_per_second[1h])',
        op: '>',
        threshold: 0.2,
        for: '10m',
        severity: 'critical',
        summary: '{{source}}: fleet hashrate {{percent}} below its last-hour peak',
        description: 'The fleet hashrate fell by more than 20 % against its best value of the last hour and stayed there for 10 minutes. See which miners went offline or slowed down.',
      },
      {
        alert: 'MinerUnderperforming',
        // mean of the last 30 min against the nominal rate (firmware's own figure, else the model
        // table, else config: mining_hashrate_nominal_hashes_per_second); the cgminer source's
        // health says the same with limits.underperformPercent / underperformWindowSeconds
        query:
          'avg_over_time(mining_hashrate_hashes_per_second[30m]) / on (source, miner) mining_hashrate_nominal_hashes_per_second and on (source, miner) (mining_up == 1)',
        op: '<',
        threshold: 0.9,
        for: '15m',
        severity: 'warning',
        summary: '{{source}}: miner {{label:miner}} at {{percent}} of its nominal hashrate',
        description: 'The miner averaged below 90 % of its nominal hashrate over 30 minutes, for 15 minutes. Look for a dead or weak board, missing chips, throttling from heat, or a firmware power limit.',
      },
      {
        alert: 'MinerChipsMissing',
        query: 'mining_chips_missing and on (source, miner) (mining_up == 1)',
        op: '>',
        threshold: 0,
        for: '10m',
        severity: 'warning',
        summary: "{{source}}: miner {{label:miner}} is {{value}} chips short of its model's count",
        description: "A hash board reports fewer chips than the model has (or a board is missing): a failing board, a bad connector or a chain that did not start. The miner's devices table names the board.",
      },
      {
        alert: 'MinerFanMissing',
        query: 'mining_fans_missing and on (source, miner) (mining_up == 1)',
        op: '>',
        threshold: 0,
        for: '5m',
        severity: 'critical',
        summary: '{{source}}: miner {{label:miner}} reports {{value}} fan(s) fewer than its model has',
        description: 'The firmware reports fewer fans than the model has: a fan unplugged or dead. Boards overheat without it.',
      },
      {
        alert: 'MinerFirmwareErrors',
        query: 'mining_firmware_errors and on (source, miner) (mining_up == 1)',
        op: '>',
        threshold: 0,
        for: '5m',
        severity: 'warning',
        summary: '{{source}}: miner {{label:miner}} reports {{value}} firmware error(s)',
        description: "The firmware reports error codes (Whatsminer) or a failed hash chain (Braiins OS tuner). The miners table lists the codes; the vendor's error-code table says what each means.",
      },
      {
        alert: 'MinerNotMining',
        query: 'mining_state_info{state="sleeping"} and on (source, miner) (mining_up == 1)',
        op: '>',
        threshold: 0,
        for: '10m',
        severity: 'warning',
        summary: '{{source}}: miner {{label:miner}} answers but is not mining ({{label:state}})',
        description: 'The firmware says the miner is stopped (Whatsminer btmineroff). Expected during curtailment; otherwise start it again.',
      },
      {
        alert: 'MinerPoolUnexpected',
        query: 'mining_pool_unexpected',
        op: '>',
        threshold: 0,
        for: '2m',
        severity: 'critical',
        summary: '{{source}}: miner {{label:miner}} is not on its expected pool or worker',
        description: "The miner's active pool or worker is not the one configured as expected (expectedPool): a hijacked miner (changed pool settings, malware) or a misconfigured one. Its hashrate earns for someone else.",
      },
      {
        alert: 'PoolAccountUnreadable',
        query: 'pool_account_up',
        op: '<',
        threshold: 1,
        for: '30m',
        severity: 'warning',
        summary: '{{source}}: pool account {{label:account}} ({{label:pool}}) cannot be read',
        description: "The pool's read API has not answered for the account for 30 minutes: a revoked or rotated token (HTTP 401), the pool's API down, or the rate limit. The pool.accounts query shows the error.",
      },
      {
        alert: 'PoolAccountUnderCredited',
        // only accounts the fleet reports hashrate for (the ratio is absent otherwise)
        query: 'pool_account_credited_ratio',
        op: '<',
        threshold: 0.9,
        for: '1h',
        severity: 'warning',
        summary: '{{source}}: pool {{label:pool}} credits account {{label:account}} {{percent}} of what the miners report',
        description: "For an hour the pool's 5-minute hashrate for the account stayed below 90 % of the sum the fleet's miners on it report: stale or rejected work, a proxy in between, miners hashing elsewhere, or a pool-side problem worth raising with the pool.",
      },
      {
        alert: 'PoolAccountMinerNotAtPool',
        query: 'pool_account_miners_not_at_pool',
        op: '>',
        threshold: 0,
        for: '15m',
        severity: 'warning',
        summary: '{{source}}: {{value}} miner(s) of account {{label:account}} hash but the pool ({{label:pool}}) does not see them',
        description: 'Miners configured for the account report hashrate, yet the pool lists their workers as offline or not at all: a wrong worker name, a stratum proxy, or the work going somewhere else. The pool.accounts query names them.',
      },
    ],
  },
  // --- Stacks ----------------------------------------------------------------------------------
  {
    domain: 'stacks',
    interval: '1m',
    dashboard: 'nodescope-stacks',
    rules: [
      {
        alert: 'StacksTipStalled',
        query: 'stacks_info_tip_age_seconds',
        op: '>',
        threshold: 1800,
        for: '5m',
        severity: 'warning',
        summary: '{{source}}: Stacks tip unchanged for {{value}} s',
        description: 'The Stacks tip height has not moved for more than 30 minutes. Nakamoto blocks come every few seconds; check the node log, its bitcoin backend and its neighbors.',
      },
      {
        alert: 'StacksBurnHeightBehind',
        query: 'stacks_burn_block_lag',
        op: '>',
        threshold: 2,
        for: '10m',
        severity: 'warning',
        summary: '{{source}}: burn block height {{value}} blocks behind Bitcoin',
        description: "The node's burn_block_height trails the configured Bitcoin source by more than 2 blocks for 10 minutes: its bitcoin backend (RPC) is slow or stuck.",
      },
      {
        alert: 'StacksSignerBehind',
        // stacks-signer refreshes stacks_signer_stacks_node_height at most every 61 s
        // (stacks-core@3.3.0.0.6:stacks-signer/src/monitoring/server.rs:176), so with Nakamoto's
        // blocks every few seconds a block gap of a minute's blocks is normal. The proxy dates the
        // signer's height against the tips it saw (sources/stacks/model.ts signerLag); a healthy
        // signer stays within 61 s + two polls. A signer endpoint that is down removes the series:
        // that shows as the source degraded, not here.
        query: 'max by (source) (stacks_info_signer_behind_seconds)',
        op: '>',
        threshold: 300,
        for: '5m',
        severity: 'critical',
        summary: "{{source}}: the signer's view of its node is {{value}} s old (stuck)",
        description:
          'The node passed the height the signer reports more than 5 minutes ago, for 5 minutes, while a healthy signer refreshes it every 61 s: its calls to its node fail, or its node is behind this one. A signer that misses blocks misses rewards.',
      },
      // The signer's duties: names and label values from stacks-signer's own
      // prometheus.rs and log lines at stacks-core@3.3.0.0.6, read by sources/stacks/signerWatch.ts
      {
        alert: 'StacksSignerNotRegistered',
        // from the signer's log: "Refreshing runloop with new burn block event, …, registered_for_current: false"
        // (stacks-signer/src/runloop.rs:416-427) or "Signer is not registered for reward cycle N" (:352)
        query: 'stacks_info_signer_registered',
        op: '<',
        threshold: 1,
        for: '5m',
        severity: 'warning',
        summary: '{{source}}: the signer is not registered for the current reward cycle',
        description:
          "The signer's log says it is not in the current cycle's reward set, so it signs nothing and earns nothing until a cycle it is registered for (check the stacking and the signer key). The signer.status query shows registered_for_next during the prepare phase.",
      },
      {
        alert: 'StacksSignerRejecting',
        // counted after each broadcast (stacks-signer/src/v0/signer.rs:986); stacks-monitoring's StacksSignerHighRejection
        // threshold, 50 % over 5 minutes (alexlmiller/stacks-monitoring@1d572e04:prometheus/alerts/stacks.rules.yml)
        query:
          'sum by (source) (rate(stacks_signer_block_responses_sent{response_type="rejected"}[5m])) / sum by (source) (rate(stacks_signer_block_responses_sent[5m]))',
        op: '>',
        threshold: 0.5,
        for: '5m',
        severity: 'warning',
        summary: '{{source}}: the signer rejects {{percent}} of the blocks it answers',
        description:
          'More than half of the block responses in the last 5 minutes were rejections, for 5 minutes. The signer disagrees with the blocks the miners propose: its node may be behind or forked, or its view of the sortition differs (the signer log shows each "Block proposal invalid" with its reject_reason).',
      },
      {
        alert: 'StacksSignerStateConflicts',
        // one per failed capitulation check (stacks-signer/src/v0/signer_state.rs:998,1095), at most one
        // every capitulate_miner_view_timeout (20 s, stacks-signer/src/config.rs:62): a burn block's
        // arrival gives one or two, more than 6 in 10 minutes is a signer that cannot agree for minutes
        query: 'sum by (source) (increase(stacks_signer_agreement_state_conflicts[10m]))',
        op: '>',
        threshold: 6,
        for: '5m',
        severity: 'warning',
        summary: '{{source}}: {{value}} signer state conflicts in 10 minutes',
        description:
          "The signer's local state machine keeps disagreeing with the signer set (burn block or miner view): it may sign on a view the others do not share. Check its node's burn block height against the others and the conflict label (burn_block_delay, stacks_block_delay, miner_view).",
      },
      {
        alert: 'StacksSignerSlowResponses',
        // block.header.timestamp to after the broadcast (stacks-signer/src/monitoring/mod.rs:122-129)
        query: 'histogram_quantile(0.95, sum by (source, le) (rate(stacks_signer_block_response_latencies_histogram_bucket[10m])))',
        op: '>',
        threshold: 60,
        for: '10m',
        severity: 'warning',
        summary: '{{source}}: 95 % of block responses take up to {{value}} s',
        description:
          'The p95 time from a block\'s timestamp to the signer\'s response is above a minute for 10 minutes: its node validates slowly (stacks_signer_block_validation_latencies_histogram) or the signer is overloaded, and late responses may miss the block.',
      },
      {
        alert: 'StacksSignerValidationLate',
        // "Failed to receive block validation response within N ms. Rejecting block." (stacks-signer/src/v0/signer.rs:1775)
        query: 'sum by (source) (increase(stacks_log_signer_events_total{event="validation_timeout"}[15m]))',
        op: '>',
        threshold: 0,
        for: '1m',
        severity: 'warning',
        summary: '{{source}}: {{value}} block proposal(s) rejected because the node did not validate them in time',
        description:
          "The signer's node did not answer a block validation request within block_proposal_validation_timeout (120 s by default), so the signer rejected the block. The node is overloaded, syncing or unreachable from the signer.",
      },
      {
        alert: 'StacksSignerProposalTimeout',
        // "Signer State: Current tenure timed out, setting the active miner to the prior tenure"
        // (stacks-signer/src/v0/signer_state.rs:348): no block within block_proposal_timeout (120 s)
        query: 'sum by (source) (increase(stacks_log_signer_events_total{event="proposal_timeout"}[30m]))',
        op: '>',
        threshold: 0,
        for: '1m',
        severity: 'info',
        summary: "{{source}}: a tenure's miner timed out ({{value}} in 30 minutes)",
        description:
          "The winning miner proposed no block within block_proposal_timeout and the signer moved back to the prior tenure's miner. Usually the miner's fault, not this signer's; repeated, it points at this signer seeing burn blocks late.",
      },
      {
        alert: 'StacksSignerLogSilent',
        // the signer logs every proposal and burn block; stacks-monitoring's signer log-silence window,
        // 5 minutes + 5 minutes (alexlmiller/stacks-monitoring@2ec62482:docs/LOG_ALERTING.md)
        query: 'stacks_log_last_line_age_seconds{service="signer"}',
        op: '>',
        threshold: 300,
        for: '5m',
        severity: 'warning',
        summary: '{{source}}: no signer log line for {{value}} s',
        description:
          'The followed signer log file has given no line for more than 5 minutes, for 5 minutes: the signer hangs or stopped, or it logs somewhere else now (rotation to another path, a changed log setting).',
      },
    ],
  },
  // --- Geth ------------------------------------------------------------------------------------
  {
    domain: 'geth',
    interval: '1m',
    dashboard: 'nodescope-geth',
    rules: [
      {
        alert: 'GethHeadStale',
        query: 'geth_rpc_head_age_seconds',
        op: '>',
        threshold: 120,
        for: '3m',
        severity: 'critical',
        summary: '{{source}}: latest block is {{value}} s old',
        description: 'No new head for more than 2 minutes (10 slots) for 3 more minutes: geth stopped following the chain (consensus client down or out of sync, no peers, disk).',
      },
      {
        alert: 'GethPeersLow',
        query: 'geth_rpc_peers',
        op: '<',
        threshold: 5,
        for: '10m',
        severity: 'warning',
        summary: '{{source}}: only {{value}} peers',
        description: 'Fewer than 5 peers for 10 minutes (geth keeps up to --maxpeers, 50 by default). Check port 30303 TCP/UDP and the NAT setting.',
      },
      {
        alert: 'GethTxpoolSpike',
        // pending transactions against their average over the hour before the last 15 minutes (so
        // the spike does not raise its own baseline); pools under 1000 pending are ignored
        query:
          'sum by (source) (geth_rpc_txpool_transactions{state="pending"}) / avg_over_time((sum by (source) (geth_rpc_txpool_transactions{state="pending"}))[1h:1m] offset 15m) and on (source) (sum by (source) (geth_rpc_txpool_transactions{state="pending"}) > 1000)',
        op: '>',
        threshold: 3,
        for: '10m',
        severity: 'warning',
        summary: '{{source}}: txpool pending at {{value}}x its average of the hour before',
        description: 'Pending transactions tripled against the last hour and stayed there for 10 minutes: a spam wave, a gas-price spike, or the node no longer sees blocks that would drain the pool.',
      },
    ],
  },
  // --- Ethereum consensus client (Beacon API) --------------------------------------------------
  // eth_con_* are ethereum-metrics-exporter's names (ethpandaops/beacon@26285c24b648:
  // pkg/beacon/metrics_sync.go:30-81, metrics_general.go:31-51), so these rules also read a
  // Prometheus fed by the exporter; beacon_* are the proxy's own.
  {
    domain: 'beacon',
    interval: '1m',
    dashboard: 'nodescope-geth',
    rules: [
      {
        alert: 'BeaconNotReady',
        // /eth/v1/node/health: 503 = not initialized or having issues (beacon-APIs apis/node/health.yaml:23-24)
        query: 'beacon_health_status_code',
        op: '>',
        threshold: 206,
        for: '5m',
        severity: 'critical',
        summary: '{{source}}: the consensus client answers health {{value}}',
        description: 'GET /eth/v1/node/health has answered 503 (not initialized or having issues) for 5 minutes: validators attached to it miss their duties. Check the client log, its database and its disk.',
      },
      {
        alert: 'BeaconElOffline',
        query: 'beacon_el_offline',
        op: '>',
        threshold: 0,
        for: '2m',
        severity: 'critical',
        summary: '{{source}}: execution client offline per the consensus client',
        description: 'The consensus client reports el_offline for 2 minutes (/eth/v1/node/syncing): it cannot reach its execution client over the engine API. Check that geth runs, the engine port (8551) and the shared JWT secret.',
      },
      {
        alert: 'BeaconSyncing',
        query: 'eth_con_sync_is_syncing',
        op: '>',
        threshold: 0,
        for: '10m',
        severity: 'warning',
        summary: '{{source}}: the consensus client is syncing',
        description: 'is_syncing has been true for 10 minutes: the node is not at the head of the chain (sync distance on the dashboard). A node that was synced falls back into sync after downtime or a lost peer set.',
      },
      {
        alert: 'BeaconHeadStale',
        query: 'beacon_head_age_seconds',
        op: '>',
        threshold: 120,
        for: '3m',
        severity: 'critical',
        summary: '{{source}}: the beacon head is {{value}} s old',
        description: 'No new head block for more than 10 slots (2 minutes), for 3 more minutes: the consensus client stopped following the chain (peers, execution client, clock).',
      },
      {
        alert: 'BeaconNoFinality',
        // 4 = MIN_EPOCHS_TO_INACTIVITY_PENALTY: beyond it the chain is in an inactivity leak
        query: 'beacon_finality_epochs_behind',
        op: '>',
        threshold: 4,
        for: '10m',
        severity: 'critical',
        summary: '{{source}}: no finality for {{value}} epochs',
        description: "The finalized checkpoint of the node's head state trails the wall clock by more than 4 epochs for 10 minutes: either the network does not finalize (over a third of the stake offline: inactivity leak) or this node follows a minority fork. Compare with a block explorer.",
      },
      {
        alert: 'BeaconPeersLow',
        query: 'sum by (source) (eth_con_peers{state="connected"})',
        op: '<',
        threshold: 10,
        for: '10m',
        severity: 'warning',
        summary: '{{source}}: only {{value}} connected peers',
        description: 'Fewer than 10 connected peers for 10 minutes (clients aim for 50 to 100). Check the p2p port (9000 TCP/UDP) and the NAT setting.',
      },
      {
        alert: 'EthereumPairBehind',
        query: 'beacon_pair_behind',
        op: '>',
        threshold: 0,
        for: '5m',
        severity: 'critical',
        summary: '{{source}}: the {{label:side}} client of the pair is behind',
        description: "For 5 minutes the consensus client and its paired geth (executionSource) disagree and this side is the one behind: 'consensus' when geth says it is synced while the beacon node syncs or both heads stalled, 'execution' when the beacon node reports el_offline or geth's head stalls while the beacon head advances. The source's health message says which case.",
      },
    ],
  },
  // --- Lightning (lnd, Core Lightning) ----------------------------------------------------------
  // lndmon's metric names where lndmon has the quantity (lightninglabs/lndmon@a6f1e1d97c76:
  // collectors/chain_collector.go:40-44, channels_collector.go:114-127), so these rules also read a
  // Prometheus fed by lndmon; lightning_* are the proxy's own.
  {
    domain: 'lightning',
    interval: '1m',
    dashboard: 'nodescope-lightning',
    rules: [
      {
        alert: 'LightningChannelForceClosed',
        query: 'sum by (source) (lnd_channels_pending_total{state="pending_force_close"})',
        op: '>',
        threshold: 0,
        for: '1m',
        severity: 'critical',
        summary: '{{source}}: {{value}} channel(s) being force-closed',
        description:
          'A channel is closing on chain without the peer (ours or theirs): its balance is locked until the CSV delay has passed, and HTLCs in flight must be claimed on chain in time. Check pending channels (lncli pendingchannels / lightning-cli listpeerchannels) and the node log for why.',
      },
      {
        alert: 'LightningChannelInactive',
        query: 'lnd_channels_inactive_total',
        op: '>',
        threshold: 0,
        for: '15m',
        severity: 'warning',
        summary: '{{source}}: {{value}} channel(s) inactive',
        description:
          'Open channels that cannot route for 15 minutes: the peer is offline (or the channel is disabled). Payments and forwards through them fail; a peer gone for days may mean closing the channel.',
      },
      {
        alert: 'LightningLocalLiquidityLow',
        query: 'lightning_channel_local_share',
        op: '<',
        threshold: 0.1,
        for: '1h',
        severity: 'info',
        summary: '{{source}}: channel {{label:chan_id}} has {{percent}} of its balance on our side',
        description:
          'For an hour, less than 10 % of an active channel is ours: it can hardly forward outwards any more. Rebalance, lower its fee to attract inbound flow, or let it be if it is meant to be an inbound channel. Edit the threshold to your own set share.',
      },
      {
        alert: 'LightningNotSynced',
        query: 'lnd_chain_synced',
        op: '<',
        threshold: 1,
        for: '10m',
        severity: 'critical',
        summary: '{{source}}: not synced to the chain',
        description:
          "The node says it is not synced to its bitcoind for 10 minutes (lnd: synced_to_chain false; Core Lightning: getinfo's warning_bitcoind_sync / warning_lightningd_sync). It cannot see channel closes or HTLC timeouts in time: check bitcoind and the node's connection to it.",
      },
      {
        alert: 'LightningBehindBitcoind',
        query: 'lightning_blocks_behind',
        op: '>',
        threshold: 2,
        for: '10m',
        severity: 'warning',
        summary: '{{source}}: {{value}} blocks behind the bitcoin source',
        description:
          "The node's block height stays 3 or more blocks under the configured bitcoin source's for 10 minutes (bitcoinSource in the proxy config), although it may still say it is synced: its chain backend lags.",
      },
    ],
  },
  // --- mining profitability --------------------------------------------------------------------
  {
    domain: 'profitability',
    interval: '5m',
    dashboard: 'nodescope-profitability',
    rules: [
      {
        alert: 'FleetBelowBreakEven',
        query: 'profitability_fleet_profit_per_day',
        op: '<',
        threshold: 0,
        for: '30m',
        severity: 'warning',
        summary: '{{source}}: fleet {{label:fleet}} loses {{value}} {{label:currency}} per day',
        description:
          'At the current price, difficulty, fees and electricity rate the fleet earns less than its power costs. Check the break-even $/kWh on the profitability dashboard; consider curtailing the least efficient miners.',
      },
      {
        alert: 'MinerBelowBreakEven',
        query: 'profitability_miner_profit_per_day',
        op: '<',
        threshold: 0,
        for: '1h',
        severity: 'info',
        summary: '{{source}}: miner {{label:miner}} loses {{value}} {{label:currency}} per day',
        description: 'This miner costs more in electricity than it earns (typically an old model or a degraded one running at reduced hashrate).',
      },
      {
        alert: 'ProfitabilityMarketStale',
        query: 'profitability_market_stale',
        op: '>',
        threshold: 0,
        for: '30m',
        severity: 'warning',
        summary: '{{source}}: price or difficulty data stale for 30 minutes',
        description: 'Every configured price/difficulty API failed for 30 minutes; profitability figures use the last known values.',
      },
      {
        alert: 'FeesHighStopCurtailing',
        // 1 while the fleet is curtailed (a curtailment window of its tariff, or a period that
        // loses money at the trailing 144-block hashprice) and one kWh earns more than the period's
        // price at the fees of the next projected blocks in the own node's mempool
        query: 'profitability_fleet_stop_curtailing',
        op: '>',
        threshold: 0,
        for: '10m',
        severity: 'info',
        summary: '{{source}}: fees are high, fleet {{label:fleet}} would earn more than its power costs: stop curtailing',
        description:
          "The fees waiting in the own node's mempool for the next blocks lift the forward hashprice so far that one kWh of this fleet earns more than the current tariff period's price, although the fleet is curtailed now (a curtailment window, or a period that loses money at the 144-block average). Compare forward and trailing hashprice and the tariff periods on the profitability dashboard before switching miners back on.",
      },
    ],
  },
  // --- Freqtrade -------------------------------------------------------------------------------
  {
    domain: 'freqtrade',
    interval: '1m',
    dashboard: 'nodescope-freqtrade',
    rules: [
      {
        alert: 'FreqtradeBotDown',
        query: 'freqtrade_build_info',
        op: '<',
        threshold: 1,
        for: '5m',
        severity: 'critical',
        summary: '{{source}}: Freqtrade API unreachable',
        description: "The bot's REST API has not answered for 5 minutes (process down, wrong credentials, or network).",
      },
      {
        alert: 'FreqtradeBotStopped',
        // state: stopped 0, running 1, stop_buy 2, unknown -1
        query: 'freqtrade_state',
        op: '<',
        threshold: 1,
        for: '5m',
        severity: 'warning',
        summary: '{{source}}: bot {{label:strategy}} is {{label:text}}',
        description: 'The bot answers but is not running (stopped, or in an unknown state). It opens no trades and does not manage open ones.',
      },
      {
        alert: 'FreqtradeHeartbeatStale',
        query: 'freqtrade_heartbeat_age_seconds',
        op: '>',
        threshold: 300,
        for: '2m',
        severity: 'critical',
        summary: "{{source}}: bot's main loop last ran {{value}} s ago",
        description: "Freqtrade's /health last_process is older than 5 minutes: the main loop is hung (exchange timeouts, a stuck strategy) while the API still answers.",
      },
      {
        alert: 'FreqtradeDrawdownHigh',
        query: 'freqtrade_drawdown_current_ratio',
        op: '>',
        threshold: 0.2,
        for: '5m',
        severity: 'warning',
        summary: '{{source}}: drawdown {{percent}} below the peak balance',
        description: 'The current drawdown of closed-trade profit exceeds 20 % of the peak balance.',
      },
    ],
  },
  // --- the machines under the nodes ------------------------------------------------------------
  // Two paths: the proxy's own readings (statfs of a configured datadir, bitcoind's timeoffset),
  // and node-exporter (job "node") for every host Prometheus scrapes. The node-exporter names are
  // checked against the real exporter's output (provisioning/test/nodeExporter.test.ts); the
  // thresholds follow the node-exporter mixin where it has one
  // (prometheus/node_exporter@b78ea14:docs/node-mixin/alerts/alerts.libsonnet).
  {
    domain: 'host',
    interval: '1m',
    dashboard: 'nodescope-host',
    rules: [
      {
        alert: 'DatadirFullSoon',
        // least squares over the source's trendHours of statfs samples (core/diskTrend.ts); absent
        // while the disk is not filling
        query: 'nodescope_datadir_days_until_full',
        op: '<',
        threshold: 7,
        for: '1h',
        severity: 'warning',
        summary: "{{source}}: the node's datadir disk is full in {{value}} days at its growth",
        description:
          "At the growth of the used space over the source's trendHours (24 h by default, least squares), the filesystem holding the node's data directory is full within a week. Free space (prune, move the datadir, grow the volume) before the node stops: bitcoind stops below 50 MiB free (bitcoin/bitcoin@81405fc7:src/util/fs_helpers.cpp:95).",
      },
      {
        alert: 'DatadirSpaceLow',
        query: 'nodescope_datadir_avail_bytes / nodescope_datadir_size_bytes',
        op: '<',
        threshold: 0.1,
        for: '15m',
        severity: 'warning',
        summary: "{{source}}: only {{percent}} free on the node's datadir disk",
        description: "Less than 10 % of the filesystem holding the node's data directory is available (what df shows as Avail, without the root reserve).",
      },
      {
        alert: 'DatadirHostMemoryLow',
        // os.freemem() is the kernel's MemAvailable (Node 22); read with the datadir samples
        query: 'nodescope_host_memory_available_bytes / nodescope_host_memory_total_bytes',
        op: '<',
        threshold: 0.1,
        for: '15m',
        severity: 'warning',
        summary: "{{source}}: only {{percent}} of the node's host memory available",
        description:
          "On the host the proxy shares with this node, MemAvailable is below 10 % of its memory for 15 minutes: bitcoind's dbcache and mempool, geth's cache or stacks-node compete for it, and the OOM killer comes next.",
      },
      {
        alert: 'BitcoinClockOffset',
        // getnetworkinfo timeoffset: the median of the outbound peers' clock offsets, whole
        // seconds; bitcoind itself warns only beyond 10 minutes (src/node/timeoffsets.h WARN_THRESHOLD)
        query: 'abs(bitcoin_timeoffset_seconds)',
        op: '>',
        threshold: 30,
        for: '15m',
        severity: 'warning',
        summary: "{{source}}: clock {{value}} s off the outbound peers' median",
        description:
          "bitcoind's timeoffset (median of its outbound peers' clock offsets) is beyond 30 s: this host's clock is probably wrong. Blocks with timestamps more than 2 hours ahead are rejected, so a clock far off splits the node from the network; check NTP (timedatectl, chronyc tracking).",
        dashboard: 'nodescope-host',
      },
      {
        alert: 'HostDiskFullSoon',
        // deriv() is the least-squares slope over the range, the method the proxy uses for its
        // datadir; the ratio is negative while the disk frees up, so only a filling disk counts
        query:
          'node_filesystem_avail_bytes{job="node",fstype!~"tmpfs|ramfs|squashfs|overlay"} / -deriv(node_filesystem_avail_bytes{job="node",fstype!~"tmpfs|ramfs|squashfs|overlay"}[6h]) / 86400 > 0 and node_filesystem_readonly{job="node"} == 0',
        op: '<',
        threshold: 7,
        for: '1h',
        severity: 'warning',
        summary: '{{label:instance}}: {{label:mountpoint}} full in {{value}} days at the last 6 hours\' growth',
        description:
          'node-exporter: at the growth of the last 6 hours (least squares), this filesystem is full within a week. A node on it stops when it is full (bitcoind already below 50 MiB free).',
      },
      {
        alert: 'HostDiskSpaceLow',
        query:
          'node_filesystem_avail_bytes{job="node",fstype!~"tmpfs|ramfs|squashfs|overlay"} / node_filesystem_size_bytes{job="node",fstype!~"tmpfs|ramfs|squashfs|overlay"} and node_filesystem_readonly{job="node"} == 0',
        op: '<',
        threshold: 0.1,
        for: '15m',
        severity: 'warning',
        summary: '{{label:instance}}: only {{percent}} free on {{label:mountpoint}}',
        description: 'node-exporter: less than 10 % of this filesystem is available to non-root processes.',
      },
      {
        alert: 'HostClockOffset',
        // the mixin's NodeClockSkewDetected threshold (0.05 s, for 10m)
        query: 'abs(node_timex_offset_seconds{job="node"})',
        op: '>',
        threshold: 0.05,
        for: '10m',
        severity: 'warning',
        summary: '{{label:instance}}: clock off by {{value}}s',
        description: "node-exporter: the kernel's time offset (adjtimex) is beyond 50 ms. Check the NTP daemon (chronyc tracking, timedatectl timesync-status).",
      },
      {
        alert: 'HostClockNotSynchronising',
        // the mixin's NodeClockNotSynchronising: unsynchronised for 5 minutes and the kernel's
        // maximum error at its 16 s cap
        query: 'min_over_time(node_timex_sync_status{job="node"}[5m]) and node_timex_maxerror_seconds{job="node"} >= 16',
        op: '<',
        threshold: 1,
        for: '10m',
        severity: 'warning',
        summary: '{{label:instance}}: clock not synchronising',
        description: 'node-exporter: the kernel reports the clock unsynchronised (adjtimex STA_UNSYNC) with its maximum error at 16 s: no NTP daemon is disciplining it.',
      },
      {
        alert: 'HostMemoryLow',
        query: 'node_memory_MemAvailable_bytes{job="node"} / node_memory_MemTotal_bytes{job="node"}',
        op: '<',
        threshold: 0.1,
        for: '15m',
        severity: 'warning',
        summary: '{{label:instance}}: only {{percent}} of memory available',
        description:
          "node-exporter: MemAvailable (the kernel's estimate of memory available without swapping) is below 10 % of MemTotal. bitcoind's dbcache and mempool, geth's cache and stacks-node compete for it; the OOM killer comes next.",
      },
      {
        alert: 'NodeExporterDown',
        query: 'up{job="node"}',
        op: '<',
        threshold: 1,
        for: '5m',
        severity: 'warning',
        summary: 'node-exporter {{label:instance}} not scraped',
        description: 'Prometheus cannot scrape this host\'s node-exporter: its disk, clock and memory alerts are blind until it is back.',
      },
    ],
  },
  // --- the proxy itself ------------------------------------------------------------------------
  {
    domain: 'nodescope',
    interval: '30s',
    dashboard: 'nodescope-proxy',
    rules: [
      {
        alert: 'NodescopeSourceDown',
        query: 'nodescope_source_up',
        op: '<',
        threshold: 1,
        for: '5m',
        severity: 'critical',
        summary: 'nodescope: source {{source}} is down',
        description: 'The proxy cannot reach this upstream (see /api/health for the message). Its panels show errors and its other alerts cannot fire.',
      },
      {
        alert: 'NodescopeProxyDown',
        query: 'up{job="nodescope"}',
        op: '<',
        threshold: 1,
        for: '2m',
        severity: 'critical',
        summary: 'nodescope proxy {{label:instance}} not scraped',
        description: "Prometheus cannot scrape the proxy's /metrics: every nodescope alert is blind until it is back.",
      },
    ],
  },
];

/** Every rule with its group's domain and dashboard, in catalog order. */
export const RULES: AlertRule[] = RULE_GROUPS.flatMap(({ domain, dashboard, rules }) => rules.map((rule) => ({ ...rule, domain, dashboard: rule.dashboard ?? dashboard })));
