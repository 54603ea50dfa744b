#!/usr/bin/env node
// The proxy's command, committed (with its run bit) so that `npm ci` links it before anything is
// built: npm links a bin only if the file exists at install time, and dist/ does not yet.
import { existsSync } from 'node:fs';

const cli = new URL('../dist/src/cli.js', import.meta.url);
if (!existsSync(cli)) {
  console.error('nodescope-proxy: the proxy is not built yet: run `npm run build` in the repository first');
  process.exit(1);
}
await import(cli.href);
