import type { AnnotationsResponse } from '@nodescope/shared';
import type { FastifyInstance } from 'fastify';
import { own, ownNames } from '../../core/lookup.js';
import type { Source } from '../../sources/types.js';
import type { SendScrubbed } from '../clientText.js';
import { HttpError } from '../errors.js';
import { annotationsQuerySchema, zodMessage } from '../schemas.js';

export function annotationRoutes(app: FastifyInstance, sources: ReadonlyMap<string, Source>, send: SendScrubbed): void {
  app.get('/api/annotations', async (request, reply) => {
    const parsed = annotationsQuerySchema.safeParse(request.query);
    if (!parsed.success) throw new HttpError(400, zodMessage(parsed.error, 'query'));
    const { sourceId, type, from, to } = parsed.data;
    if (from > to) throw new HttpError(400, 'query.from: must not be after query.to');
    const source = sources.get(sourceId);
    if (!source) throw new HttpError(400, `query.sourceId: unknown source "${sourceId}"`);
    const annotate = own(source.annotations, type);
    if (!annotate) {
      const known = ownNames(source.annotations).join(', ') || 'none';
      throw new HttpError(400, `query.type: source "${sourceId}" has no annotation type "${type}"; it serves: ${known}`);
    }
    const annotations = await annotate({ from, to });
    const body: AnnotationsResponse = { annotations: annotations.filter((a) => a.time >= from && a.time <= to) };
    return send(reply, body);
  });
}
