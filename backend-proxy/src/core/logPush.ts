// What a source that ships log lines (stacks → Loki) holds: a queue it pushes to. The proxy wires
// the real one (outputs/loki.ts) through SourceContext.openLogPush, so sources never import outputs.

export interface LogPushEntry {
  labels: Record<string, string>;
  /** ms since epoch */
  time: number;
  /** extra nanoseconds within the ms (0-999999) */
  nanos?: number;
  line: string;
}

export interface LogPushOptions {
  /** Loki base URL (http://loki:3100) or a full push URL ending in /push */
  url: string;
  tenant?: string;
  batchMaxLines?: number;
  batchMaxWaitMs?: number;
  /** oldest lines are dropped (and counted) beyond this many queued */
  maxPending?: number;
  spoolFile?: string;
  now?: () => number;
  onError?: (message: string) => void;
}

export interface LogPushStats {
  pending: number;
  sent: number;
  batches: number;
  failures: number;
  dropped: number;
  lastError: string | null;
  lastSuccess: number | null;
}

export interface LogPush {
  readonly stats: LogPushStats;
  readonly pending: number;
  /** loads lines a previous run had not delivered */
  start(): Promise<void>;
  push(entries: LogPushEntry[]): void;
  /** sends what is queued now; true when nothing is left */
  flush(): Promise<boolean>;
  stop(): Promise<void>;
}
