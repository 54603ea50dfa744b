import type { VariablesResponse } from '@nodescope/shared';
import type { FastifyInstance } from 'fastify';
import { own, ownNames } from '../../core/lookup.js';
import type { Source, VariableValue } from '../../sources/types.js';
import type { SendScrubbed } from '../clientText.js';
import { HttpError } from '../errors.js';
import { variablesQuerySchema, zodMessage } from '../schemas.js';

export function variableRoutes(app: FastifyInstance, sources: ReadonlyMap<string, Source>, send: SendScrubbed): void {
  app.get('/api/variables', async (request, reply) => {
    const parsed = variablesQuerySchema.safeParse(request.query);
    if (!parsed.success) throw new HttpError(400, zodMessage(parsed.error, 'query'));
    const { name, sourceId, kind, network, ...params } = parsed.data;

    // `sources` needs no source: it lists the configured ones, filtered by kind/network
    if (name === 'sources') {
      const values: VariableValue[] = [...sources.values()]
        .filter((s) => (!kind || s.kind === kind) && (!network || s.network === network))
        .map((s) => ({ text: s.name, value: s.id }));
      return send(reply, { values } satisfies VariablesResponse);
    }
    if (!sourceId) throw new HttpError(400, `query.sourceId: required for variable "${name}"`);
    const source = sources.get(sourceId);
    if (!source) throw new HttpError(400, `query.sourceId: unknown source "${sourceId}"`);
    const lookup = own(source.variables, name);
    if (!lookup) {
      const known = ['sources', ...ownNames(source.variables)].join(', ');
      throw new HttpError(400, `query.name: source "${sourceId}" has no variable "${name}"; it serves: ${known}`);
    }
    const clean = Object.fromEntries(Object.entries(params).filter(([, v]) => v !== undefined)) as Record<string, string>;
    // a QueryInputError (an unknown miner) becomes a 400 in the app's error handler
    return send(reply, { values: await lookup(clean) } satisfies VariablesResponse);
  });
}
