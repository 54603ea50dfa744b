// Grafana alert rules on the nodescope datasource itself (its Go backend), for the live states
// no Prometheus series carries as directly: one rule per row of the proxy's own frame. Each rule
// is Grafana 12's three-step shape: query A on the nodescope datasource, B = reduce(A, last),
// C = threshold(B) (grafana/grafana pkg/expr commands.go UnmarshalReduceCommand, threshold.go
// UnmarshalThresholdCommand). The query runs on every source of its kind (sourceId "*") and keeps
// only the string fields that become labels and the one number compared (`fields`): Grafana's
// expressions read a table as one number per row, its string fields as the labels
// (pkg/expr/converter.go isNumberTable/extractNumberSet), or a time and one number as a series.
// plugins/datasource/pkg/plugin/rules_test.go runs every rule through the built backend over
// the simulators, with the faults that make it fire and resolve.
import { stringify } from 'yaml';
import { expressionStep, thresholdStep } from './expressions.ts';
import type { Severity } from './rules.ts';

export const NODESCOPE_DS_UID = 'nodescope';
export const NODESCOPE_DS_TYPE = 'nodescope-crypto-datasource';
export const LIVE_RULE_FOLDER = 'nodescope alerts (live)';
export const LIVE_RULE_GROUP = 'nodescope-live';

export interface LiveRule {
  uid: string;
  title: string;
  kind: 'bitcoin' | 'cgminer' | 'freqtrade';
  query: string;
  /** kept fields: label strings first, the compared number last */
  fields: string[];
  op: 'gt' | 'lt';
  threshold: number;
  for: string;
  severity: Severity;
  domain: string;
  /** Grafana template text */
  summary: string;
  description: string;
  dashboard: string;
}

export const LIVE_RULES: LiveRule[] = [
  {
    uid: 'nodescope-live-miner-offline',
    title: 'LiveMinerOffline',
    kind: 'cgminer',
    query: 'miners',
    // the proxy reports 0 H/s for a miner that is not `online` (sources/cgminer/frames.ts)
    fields: ['miner', 'hashrate'],
    op: 'lt',
    threshold: 1,
    for: '2m',
    severity: 'critical',
    domain: 'mining',
    summary: '{{ $labels.source }}: miner {{ $labels.miner }} is not hashing (offline or 0 H/s)',
    description: 'The proxy could not read the miner or it reports no hashrate for 2 minutes. Check power, network and the miner web UI.',
    dashboard: 'nodescope-mining-fleet',
  },
  {
    uid: 'nodescope-live-miner-hot',
    title: 'LiveMinerHot',
    kind: 'cgminer',
    query: 'miners',
    fields: ['miner', 'maxTemp'],
    op: 'gt',
    // the same limit as MinerBoardHot (rules.ts)
    threshold: 85,
    for: '5m',
    severity: 'warning',
    domain: 'mining',
    summary: '{{ $labels.source }}: miner {{ $labels.miner }} hottest board at {{ humanize $values.B.Value }} °C',
    description: 'A hash board has been above 85 °C for 5 minutes. Check intake temperature, airflow and dust; most firmware throttles or shuts down near 95 °C.',
    dashboard: 'nodescope-mining-fleet',
  },
  {
    uid: 'nodescope-live-mempool-congested',
    title: 'LiveMempoolCongested',
    kind: 'bitcoin',
    query: 'mempool.summary',
    // getmempoolinfo `bytes` is the sum of the transactions' virtual sizes (BIP 141); a block
    // holds at most 4,000,000 weight units = 1,000,000 vB, so this is three blocks' worth
    fields: ['time', 'bytes'],
    op: 'gt',
    threshold: 3_000_000,
    for: '15m',
    severity: 'info',
    domain: 'bitcoin',
    summary: '{{ $labels.source }}: {{ humanize $values.B.Value }}vB waiting in the mempool (over three blocks)',
    description: 'More than three blocks of transactions have been waiting for 15 minutes: low-fee transactions will take hours to confirm. See the fee bands on the mempool dashboard.',
    dashboard: 'nodescope-mempool',
  },
  {
    uid: 'nodescope-live-bitcoin-node-stalled',
    title: 'LiveBitcoinNodeStalled',
    kind: 'bitcoin',
    query: 'chain.info',
    fields: ['time', 'tipAgeSeconds'],
    op: 'gt',
    // one hour without a new tip, then 15 more minutes: as BitcoinHeadStale (rules.ts)
    threshold: 3600,
    for: '15m',
    severity: 'warning',
    domain: 'bitcoin',
    summary: '{{ $labels.source }}: no new block for {{ humanizeDuration $values.B.Value }}',
    description: 'The node has not accepted a new tip for more than 75 minutes. Blocks come every ~10 min on mainnet; a gap this long is rare and usually means the node stopped syncing: check peers, disk space and the debug.log.',
    dashboard: 'nodescope-bitcoin',
  },
  {
    uid: 'nodescope-live-freqtrade-bot-down',
    title: 'LiveFreqtradeBotDown',
    kind: 'freqtrade',
    query: 'bots',
    // `up` is a boolean; the backend reads it as 1/0 when it is a kept field
    fields: ['bot', 'up'],
    op: 'lt',
    threshold: 1,
    for: '2m',
    severity: 'critical',
    domain: 'freqtrade',
    summary: '{{ $labels.source }}: Freqtrade bot {{ $labels.bot }} does not answer its REST API',
    description: 'The proxy has not reached the bot for 2 minutes: the process may have stopped or its API server is down. Open trades are not managed while it is down.',
    dashboard: 'nodescope-freqtrade',
  },
];

/** Grafana's alerting provisioning file (apiVersion 1) for the live rules. */
export function grafanaLiveRules(): string {
  const rules = LIVE_RULES.map((rule) => ({
    uid: rule.uid,
    title: rule.title,
    condition: 'C',
    data: [
      {
        refId: 'A',
        // the query's range: the last 10 minutes (mempool.summary answers its recent history)
        relativeTimeRange: { from: 600, to: 0 },
        datasourceUid: NODESCOPE_DS_UID,
        model: {
          refId: 'A',
          datasource: { type: NODESCOPE_DS_TYPE, uid: NODESCOPE_DS_UID },
          schemaVersion: 1,
          sourceId: '*',
          kind: rule.kind,
          query: rule.query,
          fields: rule.fields,
          intervalMs: 15000,
          maxDataPoints: 43200,
        },
      },
      // a miner or bot without a value is left out rather than compared as NaN
      expressionStep('B', { type: 'reduce', expression: 'A', reducer: 'last', settings: { mode: 'dropNN' } }),
      thresholdStep('B', rule.op, rule.threshold),
    ],
    // no rows = no source of that kind is configured: nothing to say
    noDataState: 'OK',
    execErrState: 'Error',
    for: rule.for,
    annotations: { summary: rule.summary, description: rule.description, dashboard: `/d/${rule.dashboard}` },
    labels: { severity: rule.severity, domain: rule.domain },
    isPaused: false,
  }));
  return (
    '# GENERATED from provisioning/build/liveRules.ts by `npx node provisioning/build/write.ts` - edit the catalog, not this file.\n' +
    '# Grafana alert rules on the nodescope datasource (uid nodescope, its Go backend): live proxy state, no Prometheus needed.\n' +
    stringify({ apiVersion: 1, groups: [{ orgId: 1, name: LIVE_RULE_GROUP, folder: LIVE_RULE_FOLDER, interval: '1m', rules }] }, { lineWidth: 0 })
  );
}
