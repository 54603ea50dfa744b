// What a Stacks source adds to /metrics besides the node's and signer's own families (mirrored as
// read: stacks_node_*, stacks_signer_*). Names start with stacks_info_/stacks_log_ so they never
// collide with a family the node exposes itself.
import type { MetricFactory } from '../../core/metrics.js';
import type { LogSeverity } from './logParse.js';
import type { BurnLag, HealthReading, NeighborDirection, SignerLag, StacksInfo } from './model.js';
import { SIGNER_LOG_EVENTS, type SignerDuty, type SignerLogEvent } from './signerWatch.js';

export function stacksMetrics(factory: MetricFactory, source: string) {
  const g = {
    tipHeight: factory.gauge('stacks_info_stacks_tip_height', 'stacks_tip_height from the node RPC /v2/info'),
    burnHeight: factory.gauge('stacks_info_burn_block_height', 'burn_block_height from the node RPC /v2/info'),
    tenureHeight: factory.gauge('stacks_info_tenure_height', 'tenure_height (coinbase height) from /v2/info'),
    fullySynced: factory.gauge('stacks_info_fully_synced', '1 when /v2/info says is_fully_synced'),
    tipAge: factory.gauge('stacks_info_tip_age_seconds', 'Seconds since the Stacks tip height last changed (as watched by the proxy)'),
    burnLag: factory.gauge('stacks_burn_block_lag', "Blocks between the bitcoin source's height and the node's burn_block_height"),
    neighbors: factory.gauge('stacks_info_neighbors', 'Neighbors listed by /v2/neighbors', ['direction']),
    maxPeerGap: factory.gauge('stacks_info_difference_from_max_peer', 'difference_from_max_peer from /v3/health'),
    signerBehind: factory.gauge(
      'stacks_info_signer_behind_seconds',
      "Seconds since the node's tip passed the height the signer reports (stacks_signer_stacks_node_height refreshes every 61 s at best)"
    ),
    signerRegistered: factory.gauge(
      'stacks_info_signer_registered',
      "1 when the signer's log says it is registered for its current reward cycle, 0 when not (runloop.rs registered_for_current)"
    ),
    signerEvents: factory.counter(
      'stacks_log_signer_events_total',
      'Signer log lines that matter, by event: block_rejected, validation_timeout, proposal_timeout, not_registered',
      ['event']
    ),
    logAge: factory.gauge('stacks_log_last_line_age_seconds', "Seconds since the followed log file last gave a line (the signer's; since start when none yet)", ['service']),
    logLines: factory.counter('stacks_log_lines_total', 'Log lines read from the node / signer log file, by level', ['service', 'level']),
    logRotations: factory.gauge('stacks_log_rotations', 'Rotations and truncations of a followed log file seen since start', ['service', 'kind']),
    lokiPending: factory.gauge('stacks_loki_pending_lines', 'Log lines waiting to be pushed to Loki'),
    lokiSent: factory.gauge('stacks_loki_sent_lines', 'Log lines accepted by Loki since start'),
    lokiDropped: factory.gauge('stacks_loki_dropped_lines', 'Log lines dropped (Loki refused them or the queue was full)'),
  };
  return {
    info(info: StacksInfo, tipAgeMs: number | null) {
      g.tipHeight.set({ source }, info.stacks_tip_height);
      g.burnHeight.set({ source }, info.burn_block_height);
      if (info.tenure_height != null) g.tenureHeight.set({ source }, info.tenure_height);
      if (info.is_fully_synced !== undefined) g.fullySynced.set({ source }, info.is_fully_synced ? 1 : 0);
      if (tipAgeMs !== null) g.tipAge.set({ source }, tipAgeMs / 1000);
    },
    lag(lag: BurnLag) {
      if (lag.lag === null) g.burnLag.remove({ source });
      else g.burnLag.set({ source }, lag.lag);
    },
    neighbors(counts: Record<NeighborDirection, number>) {
      for (const [direction, count] of Object.entries(counts)) g.neighbors.set({ source, direction }, count);
    },
    health(reading: HealthReading | null) {
      // no stale gap while the node says it cannot tell
      if (reading?.kind === 'ok') g.maxPeerGap.set({ source }, reading.health.difference_from_max_peer);
      else g.maxPeerGap.remove({ source });
    },
    signerLag(lag: SignerLag | null) {
      if (lag?.behindSeconds == null) g.signerBehind.remove({ source });
      else g.signerBehind.set({ source }, lag.behindSeconds);
    },
    /** zero every event so an increase() sees the first one */
    initSignerEvents() {
      for (const event of SIGNER_LOG_EVENTS) g.signerEvents.inc({ source, event }, 0);
    },
    signerEvent(event: SignerLogEvent) {
      g.signerEvents.inc({ source, event });
    },
    signerDuty(duty: SignerDuty, watchingLog: boolean) {
      if (duty.registration) g.signerRegistered.set({ source }, duty.registration.registered ? 1 : 0);
      else g.signerRegistered.remove({ source });
      if (watchingLog && duty.logAgeSeconds !== null) g.logAge.set({ source, service: 'signer' }, Math.round(duty.logAgeSeconds * 1000) / 1000);
    },
    /** zero every level so a rate() has a series before the first line of that level */
    initLevels(service: string, levels: readonly LogSeverity[]) {
      for (const level of levels) g.logLines.inc({ source, service, level }, 0);
    },
    logLine(service: string, level: LogSeverity, count = 1) {
      g.logLines.inc({ source, service, level }, count);
    },
    follower(service: string, rotations: number, truncations: number) {
      g.logRotations.set({ source, service, kind: 'rotation' }, rotations);
      g.logRotations.set({ source, service, kind: 'truncation' }, truncations);
    },
    loki(stats: { pending: number; sent: number; dropped: number }) {
      g.lokiPending.set({ source }, stats.pending);
      g.lokiSent.set({ source }, stats.sent);
      g.lokiDropped.set({ source }, stats.dropped);
    },
  };
}
export type StacksMetrics = ReturnType<typeof stacksMetrics>;
