// Errors every layer throws and the HTTP layer maps (4xx / 502); core owns them so that it needs
// nothing from sources/ (sources/types.ts re-exports them).

/** An error whose message is safe to show to the client (4xx class: bad params, unknown miner). */
export class QueryInputError extends Error {
  override name = 'QueryInputError';
}

/** An upstream failure whose message has been checked to hold no credential. */
export class UpstreamError extends Error {
  override name = 'UpstreamError';
  constructor(
    message: string,
    readonly code?: number | string,
    readonly retryable = true
  ) {
    super(message);
  }
}
