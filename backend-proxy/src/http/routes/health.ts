import type { FastifyInstance } from 'fastify';
import { worstStatus } from '../../core/circuit.js';
import type { Source } from '../../sources/types.js';

export function healthRoutes(app: FastifyInstance, sources: ReadonlyMap<string, Source>): void {
  app.get('/healthz', async () => ({ status: 'ok' }));

  app.get('/api/health', async () => {
    const list = [...sources.values()].map((source) => ({
      id: source.id,
      kind: source.kind,
      name: source.name,
      ...source.health(),
    }));
    return { status: worstStatus(list.map((s) => s.status)), sources: list };
  });

  app.get('/api/sources', async () => ({
    sources: [...sources.values()].map((source) => ({
      id: source.id,
      kind: source.kind,
      name: source.name,
      network: source.network ?? null,
      queries: Object.keys(source.queries),
      variables: Object.keys(source.variables ?? {}),
      annotations: Object.keys(source.annotations ?? {}),
      streams: Object.keys(source.streams ?? {}),
    })),
  }));
}
