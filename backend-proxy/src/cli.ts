#!/usr/bin/env node
// nodescope-proxy --config FILE [--port N] [--check] [--pretty] | --version | --help
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { DestinationStream } from 'pino';
import { ConfigError, loadConfig } from './config/load.js';
import { describeConfig } from './config/summary.js';
import { startServer } from './http/server.js';

const USAGE = `usage: nodescope-proxy --config FILE [--port N] [--pretty]   (or NODESCOPE_CONFIG=FILE)
       nodescope-proxy --config FILE --check   validate the config (and its cross-references), print a summary, exit 0 or 1
       nodescope-proxy --version`;

// set by the release bundle (deploy/release/bundle.mjs); read from package.json otherwise
declare const __NODESCOPE_VERSION__: string | undefined;

export function proxyVersion(): string {
  if (typeof __NODESCOPE_VERSION__ === 'string') return __NODESCOPE_VERSION__;
  const manifest = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return manifest.version;
}

/** pino-pretty when it is installed (a devDependency: present in a clone, absent from a release). */
async function prettyDestination(): Promise<DestinationStream> {
  try {
    const { default: pretty } = (await import('pino-pretty')) as unknown as {
      default: (options: object) => DestinationStream;
    };
    return pretty({ colorize: process.stdout.isTTY, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname,service' });
  } catch {
    throw new ConfigError('--pretty needs pino-pretty, which this installation lacks; pipe the JSON lines into any pino-pretty instead');
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      config: { type: 'string', short: 'c' },
      port: { type: 'string', short: 'p' },
      check: { type: 'boolean' },
      pretty: { type: 'boolean' },
      version: { type: 'boolean', short: 'v' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  if (values.version) {
    console.log(`nodescope-proxy ${proxyVersion()} (node ${process.versions.node})`);
    return;
  }
  const file = values.config ?? process.env.NODESCOPE_CONFIG;
  if (!file) throw new ConfigError(`no config file given\n${USAGE}`);
  const config = await loadConfig(file);
  let port: number | undefined;
  if (values.port !== undefined) {
    port = Number(values.port);
    if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new ConfigError(`--port: not a port number: ${values.port}`);
  }
  if (values.check) {
    console.log(`${file}: config OK\n${describeConfig(config, port)}`);
    return;
  }
  if (!values.pretty && process.stdout.isTTY) {
    // JSON lines are for log collectors; a person at a terminal gets a pointer to the readable form
    console.error('nodescope-proxy: logs are JSON lines; add --pretty to read them by eye');
  }
  await startServer(config, {
    ...(port !== undefined ? { port } : {}),
    ...(values.pretty ? { logDestination: await prettyDestination() } : {}),
    handleSignals: true,
  });
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) console.error(`nodescope-proxy: ${error.message}`);
  else if (error instanceof TypeError && (error as NodeJS.ErrnoException).code?.startsWith('ERR_PARSE_ARGS')) console.error(`nodescope-proxy: ${error.message}\n${USAGE}`);
  else console.error('nodescope-proxy: failed to start:', error instanceof Error ? error.message : error);
  process.exit(1);
});
