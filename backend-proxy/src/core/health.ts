// How an upstream or a whole source is doing, as /api/health and the circuit breaker say it:
// the shared wire types (the datasource reads the same), so core needs nothing from sources/
// (sources/types.ts re-exports them).
export type { SourceHealth, SourceStatus } from '@nodescope/shared';
