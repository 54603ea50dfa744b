// The proxy API's answers, as the proxy sends them and the datasource reads them: one set of
// types so a field added on one side is seen on the other.
import type { SourceKind, VariableName } from './catalog.js';

/** `starting`: built, first poll not answered yet. */
export type SourceStatus = 'ok' | 'degraded' | 'down' | 'starting';

export interface HealthComponent {
  status: SourceStatus;
  message: string;
  /** ms since epoch of the last successful upstream call, null if none yet */
  lastSuccess: number | null;
}

export interface SourceHealth extends HealthComponent {
  /** circuit breaker state of the main upstream */
  circuit?: 'closed' | 'open' | 'half-open';
  /** per-component details (rpc, zmq, electrum, signer, ...) */
  components?: Record<string, HealthComponent>;
}

/** `GET /api/health` */
export interface HealthResponse {
  status: SourceStatus;
  sources: Array<SourceHealth & { id: string; kind: SourceKind; name: string }>;
  /** the proxy's own durable files (history snapshot, Influx queue), when it keeps any */
  files?: Record<string, HealthComponent>;
}

/** One entry of `GET /api/sources`. */
export interface SourceInfo {
  id: string;
  kind: SourceKind;
  name: string;
  network: string | null;
  queries: string[];
  variables: string[];
  annotations: string[];
  streams: string[];
}

/** `GET /api/sources` */
export interface SourcesResponse {
  sources: SourceInfo[];
}

/** One value of a template variable. */
export interface VariableValue {
  text: string;
  value: string;
}

/** `GET /api/variables` */
export interface VariablesResponse {
  values: VariableValue[];
}

/** `GET /api/variables` query string. */
export interface VariableRequest {
  name: VariableName | string;
  sourceId?: string;
  kind?: SourceKind;
  network?: string;
  /** narrows e.g. `pools` to one miner, `pairs` to one bot */
  miner?: string;
  bot?: string;
}

export interface Annotation {
  time: number;
  timeEnd?: number;
  title: string;
  text: string;
  tags: string[];
}

/** `GET /api/annotations` */
export interface AnnotationsResponse {
  annotations: Annotation[];
}
