// What `nodescope-proxy --check` prints for a valid config: where it listens, how /api/* is
// guarded, each source by id and kind, and notes on files the proxy will need to read or write
// but cannot now (a cookie that bitcoind has not written yet is normal before it starts, so
// these are notes, not errors).
import { accessSync, constants } from 'node:fs';
import { dirname } from 'node:path';
import { resolveRpcTarget } from '../sources/bitcoin/client.js';
import type { ProxyConfig } from './schema.js';

export function describeConfig(config: ProxyConfig, portOverride?: number): string {
  const { host, apiKey, insecure } = config.server;
  const port = portOverride ?? config.server.port;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  const guard = apiKey ? '/api/* needs the apiKey' : insecure ? 'no apiKey (insecure: true)' : 'no apiKey (loopback only)';
  const lines = [`listens on ${url}; ${guard}`, `${config.sources.length} source${config.sources.length === 1 ? '' : 's'}:`];
  for (const source of config.sources) lines.push(`  ${source.id} (${source.kind})`);
  const outputs = Object.keys(config.outputs ?? {}).filter((key) => config.outputs?.[key as keyof NonNullable<ProxyConfig['outputs']>]);
  if (outputs.length) lines.push(`outputs: ${outputs.join(', ')}`);
  const notes = fileNotes(config);
  if (notes.length) lines.push('notes:', ...notes.map((note) => `  ${note}`));
  return lines.join('\n');
}

function problem(path: string, mode: number): string | null {
  try {
    accessSync(path, mode);
    return null;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code ?? 'not accessible';
  }
}

/** Files named (or implied) by the config that this user cannot read, or write, right now. */
export function fileNotes(config: ProxyConfig): string[] {
  const notes: string[] = [];
  const readable = (who: string, what: string, path: string | undefined, hint = '') => {
    const code = path ? problem(path, constants.R_OK) : null;
    if (code) notes.push(`${who}: ${what} ${path} is not readable (${code})${hint}`);
  };
  if (config.server.historyFile) {
    const dir = dirname(config.server.historyFile);
    const code = problem(dir, constants.W_OK);
    if (code) notes.push(`server: historyFile folder ${dir} is not writable (${code}); history will not survive a restart`);
  }
  for (const source of config.sources) {
    if ('host' in source && source.host) {
      // statfs needs the path to exist (and the folders above it searchable), not read access
      const code = problem(source.host.datadir, constants.F_OK);
      if (code) notes.push(`${source.id}: host.datadir ${source.host.datadir} cannot be reached (${code}); free space and days until full stay unknown until it can`);
    }
    if (source.kind === 'bitcoin') {
      const { auth } = resolveRpcTarget(source.network, source.rpc);
      if (auth.kind === 'cookie')
        readable(source.id, 'RPC cookie', auth.file, ': bitcoind writes it when it starts; the proxy needs read access (rpccookieperms=group and the bitcoin group)');
      if (source.geoip) for (const key of ['cityDb', 'asnDb', 'countryDb'] as const) readable(source.id, `geoip.${key}`, source.geoip[key]);
    } else if (source.kind === 'stacks') {
      readable(source.id, 'logFile', source.logFile);
      readable(source.id, 'signer.logFile', source.signer?.logFile);
    }
  }
  return notes;
}
