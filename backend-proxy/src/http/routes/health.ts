import type { FastifyInstance } from 'fastify';
import { worstStatus } from '../../core/circuit.js';
import { ownNames } from '../../core/lookup.js';
import type { Source, SourceHealth } from '../../sources/types.js';
import type { ClientText } from '../clientText.js';

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
  out: { scrubJson: (value: unknown) => string; clientText: ClientText }
): void {
  app.get('/healthz', async () => ({ status: 'ok' }));

  app.get('/api/health', async (_request, reply) => {
    const list = [...sources.values()].map((source) => ({
      id: source.id,
      kind: source.kind,
      name: source.name,
      ...publicHealth(source.health(), out.clientText),
    }));
    const body = { status: worstStatus(list.map((s) => s.status)), sources: list };
    return reply.type('application/json; charset=utf-8').send(out.scrubJson(body));
  });

  app.get('/api/sources', async (_request, reply) => {
    const body = {
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
    return reply.type('application/json; charset=utf-8').send(out.scrubJson(body));
  });
}
