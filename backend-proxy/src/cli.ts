#!/usr/bin/env node
// nodescope-proxy --config FILE [--port N]
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from './config/load.js';
import { startServer } from './http/server.js';

const USAGE = 'usage: nodescope-proxy --config FILE [--port N]   (or NODESCOPE_CONFIG=FILE)';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { config: { type: 'string', short: 'c' }, port: { type: 'string', short: 'p' }, help: { type: 'boolean', short: 'h' } },
  });
  if (values.help) {
    console.log(USAGE);
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
  await startServer(config, { ...(port !== undefined ? { port } : {}), handleSignals: true });
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) console.error(`nodescope-proxy: ${error.message}`);
  else console.error('nodescope-proxy: failed to start:', error instanceof Error ? error.message : error);
  process.exit(1);
});
