// What every simulator's command line does the same way: string flags and --help, flags read as
// integers through the control API's intParam, and a clean stop on SIGINT (Ctrl-C) or SIGTERM (the
// demo, a service manager).
import { parseArgs } from 'node:util';

/**
 * Parses `--name value` flags (strict: an unknown flag throws) plus --help, which prints `usage`
 * and answers null. `params` holds the same flags for intParam.
 */
export function stringFlags<N extends string>(
  names: readonly N[],
  usage: string,
  argv = process.argv.slice(2)
): { values: Partial<Record<N, string>>; params: URLSearchParams } | null {
  const options = Object.fromEntries(names.map((name) => [name, { type: 'string' as const }]));
  const { values } = parseArgs({ args: argv, options: { ...options, help: { type: 'boolean' } }, strict: true });
  if (values.help) {
    process.stdout.write(usage);
    return null;
  }
  return { values: values as Partial<Record<N, string>>, params: flagParams(values) };
}

/** The string flags parseArgs gave, as query parameters, so intParam bounds and checks them. */
function flagParams(values: Record<string, unknown>): URLSearchParams {
  return new URLSearchParams(Object.entries(values).filter((e): e is [string, string] => typeof e[1] === 'string'));
}

/** Closes everything (in the order `close` does it) and exits 0 on SIGINT or SIGTERM. */
export function exitOnSignal(close: () => Promise<unknown>): void {
  const stop = () => void close().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}
