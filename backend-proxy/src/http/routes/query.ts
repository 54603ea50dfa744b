import type { FastifyInstance } from 'fastify';
import { HttpError } from '../errors.js';
import { cachedQueriesJson, resultsJson, runQueriesJson, type QueryRunnerDeps } from '../queryRunner.js';
import { queryRequestSchema, zodMessage } from '../schemas.js';

export function queryRoutes(app: FastifyInstance, deps: QueryRunnerDeps & { maxQueries: number }): void {
  app.post('/api/query', async (request, reply) => {
    const parsed = queryRequestSchema.safeParse(request.body);
    if (!parsed.success) throw new HttpError(400, zodMessage(parsed.error, 'body'));
    if (parsed.data.queries.length > deps.maxQueries) {
      throw new HttpError(400, `body.queries: at most ${deps.maxQueries} queries per request`);
    }
    const outcomes = cachedQueriesJson(parsed.data, deps) ?? (await runQueriesJson(parsed.data, deps));
    // all queries rejected for their params: the request itself was bad
    if (outcomes.every((o) => o.status === 400)) reply.code(400);
    // written here, not by fastify: a cached result's JSON is reused across requests
    return reply.type('application/json; charset=utf-8').send(resultsJson(outcomes));
  });
}
