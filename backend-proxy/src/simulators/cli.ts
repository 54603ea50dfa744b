// What every simulator's command line does the same way: flags read as integers through the
// control API's intParam, and a clean stop on SIGINT (Ctrl-C) or SIGTERM (the demo, a service manager).

/** The string flags parseArgs gave, as query parameters, so intParam bounds and checks them. */
export function flagParams(values: Record<string, unknown>): URLSearchParams {
  return new URLSearchParams(Object.entries(values).filter((e): e is [string, string] => typeof e[1] === 'string'));
}

/** Closes everything (in the order `close` does it) and exits 0 on SIGINT or SIGTERM. */
export function exitOnSignal(close: () => Promise<unknown>): void {
  const stop = () => void close().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}
