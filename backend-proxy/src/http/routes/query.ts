import type { FastifyInstance } from 'fastify';
import { HttpError } from '../errors.js';
import { runQueries, type QueryRunnerDeps } from '../queryRunner.js';
import { queryRequestSchema, zodMessage } from '../schemas.js';

export function queryRoutes(app: FastifyInstance, deps: QueryRunnerDeps & { maxQueries: number }): void {
  app.post('/api/query', async (request, reply) => {
    const parsed = queryRequestSchema.safeParse(request.body);
    if (!parsed.success) throw new HttpError(400, zodMessage(parsed.error, 'body'));
    if (parsed.data.queries.length > deps.maxQueries) {
      throw new HttpError(400, `body.queries: at most ${deps.maxQueries} queries per request`);
    }
    const results = await runQueries(parsed.data, deps);
    const statuses = Object.values(results).map((r) => r.status ?? 200);
    // all queries rejected for their params: the request itself was bad
    if (statuses.every((s) => s === 400)) reply.code(400);
    return { results };
  });
}
