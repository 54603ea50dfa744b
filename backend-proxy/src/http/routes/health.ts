import type { HealthResponse, SourcesResponse } from '@nodescope/shared';
import type { FastifyInstance } from 'fastify';
import { worstStatus } from '../../core/circuit.js';
import { ownNames } from '../../core/lookup.js';
import type { Source, SourceHealth } from '../../sources/types.js';
import type { FileHealthComponent } from '../../core/durable.js';
import type { ClientText, SendScrubbed } from '../clientText.js';

/** A source's health as a client sees it: messages without secrets or node addresses. */
function publicHealth(health: SourceHealth, text: ClientText): SourceHealth {
  const components = health.components
    ? Object.fromEntries(Object.entries(health.components).map(([name, c]) => [name, { ...c, message: text.upstream(c.message) }]))
    : undefined;
  return { ...health, message: text.upstream(health.message), ...(components ? { components } : {}) };
}

export function healthRoutes(
  app: FastifyInstance,
  sources: ReadonlyMap<string, Source>,
  out: {
    sendScrubbed: SendScrubbed;
    clientText: ClientText;
    /** the proxy's own durable files (history snapshot, Influx queue) */
    files: () => Record<string, FileHealthComponent>;
  }
): void {
  app.get('/healthz', async () => ({ status: 'ok' }));

  app.get('/api/health', async (_request, reply) => {
    const list = [...sources.values()].map((source) => ({
      id: source.id,
      kind: source.kind,
      name: source.name,
      ...publicHealth(source.health(), out.clientText),
    }));
    // a file the proxy cannot write is the operator's to fix; it shows beside the sources
    const files = Object.fromEntries(Object.entries(out.files()).map(([name, c]) => [name, { ...c, message: out.clientText.upstream(c.message) }]));
    const statuses = [...list.map((s) => s.status), ...Object.values(files).map((c) => c.status)];
    const body: HealthResponse = { status: worstStatus(statuses), sources: list, ...(Object.keys(files).length > 0 ? { files } : {}) };
    return out.sendScrubbed(reply, body);
  });

  app.get('/api/sources', async (_request, reply) => {
    const body: SourcesResponse = {
      sources: [...sources.values()].map((source) => ({
        id: source.id,
        kind: source.kind,
        name: source.name,
        network: source.network ?? null,
        queries: ownNames(source.queries),
        variables: ownNames(source.variables),
        annotations: ownNames(source.annotations),
        streams: ownNames(source.streams),
      })),
    };
    return out.sendScrubbed(reply, body);
  });
}
