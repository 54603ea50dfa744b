// What `nodescope-proxy --check` prints for a valid config: where it listens, how /api/* is
// guarded, and each source by id and kind, so an operator sees what would start.
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
  return lines.join('\n');
}
