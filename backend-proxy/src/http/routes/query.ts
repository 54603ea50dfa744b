import type { FastifyInstance, FastifyReply } from 'fastify';
import { HttpError } from '../errors.js';
import type { ValidatedBodies } from '../queryBodies.js';
import { cachedResponseJson, resultsJson, runQueriesJson, type QueryRunnerDeps } from '../queryRunner.js';
import { queryRequestSchema, zodMessage, type QueryRequestBody } from '../schemas.js';

const JSON_TYPE = 'application/json; charset=utf-8';

export function queryRoutes(
  app: FastifyInstance,
  deps: QueryRunnerDeps & { maxQueries: number; bodies: ValidatedBodies }
): void {
  const validate = (raw: unknown): QueryRequestBody => {
    const parsed = queryRequestSchema.safeParse(raw);
    if (!parsed.success) throw new HttpError(400, zodMessage(parsed.error, 'body'));
    deps.bodies.remember(raw, parsed.data);
    return parsed.data;
  };

  const answer = async (body: QueryRequestBody, reply: FastifyReply) => {
    const outcomes = await runQueriesJson(body, deps);
    // all queries rejected for their params: the request itself was bad
    if (outcomes.every((o) => o.status === 400)) reply.code(400);
    return reply.type(JSON_TYPE).send(resultsJson(outcomes));
  };

  // Not an async function: a request whose every query is cached is answered synchronously (no
  // promise per request); only the rest go on to the async path. Sent by us rather than
  // serialized by fastify: the cached answer's JSON is reused across requests.
  app.post('/api/query', (request, reply) => {
    const body = deps.bodies.validatedBody(request.body) ?? validate(request.body);
    if (body.queries.length > deps.maxQueries) {
      throw new HttpError(400, `body.queries: at most ${deps.maxQueries} queries per request`);
    }
    const cached = cachedResponseJson(body, deps);
    if (cached === undefined) return answer(body, reply);
    reply.type(JSON_TYPE).send(cached);
    return undefined;
  });
}
