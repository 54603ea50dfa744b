// How an upstream or a whole source is doing, as /api/health and the circuit breaker say it.
// Core owns these shapes so that it needs nothing from sources/ (sources/types.ts re-exports them).

export type SourceStatus = 'ok' | 'degraded' | 'down' | 'starting';

export interface SourceHealth {
  status: SourceStatus;
  message: string;
  /** ms since epoch of the last successful upstream call, null if none yet */
  lastSuccess: number | null;
  /** circuit breaker state of the main upstream */
  circuit?: 'closed' | 'open' | 'half-open';
  /** per-component details (rpc, zmq, electrum, signer, ...) */
  components?: Record<string, { status: SourceStatus; message: string; lastSuccess: number | null }>;
}
