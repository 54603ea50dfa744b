// Server-Sent Events: each `frame` event carries one DataFrameJSON append. A comment line every
// 15 s keeps proxies (and Grafana's data source proxy) from closing an idle stream.
import type { FastifyInstance } from 'fastify';
import type { Source } from '../../sources/types.js';
import { HttpError } from '../errors.js';
import { paramsSchema, streamQuerySchema, zodMessage } from '../schemas.js';

const HEARTBEAT_MS = 15_000;

export function streamRoutes(app: FastifyInstance, sources: ReadonlyMap<string, Source>, scrub: (s: string) => string): void {
  app.get('/api/stream', async (request, reply) => {
    const parsed = streamQuerySchema.safeParse(request.query);
    if (!parsed.success) throw new HttpError(400, zodMessage(parsed.error, 'query'));
    const { sourceId, query } = parsed.data;
    let params = {};
    if (parsed.data.params) {
      let raw: unknown;
      try {
        raw = JSON.parse(parsed.data.params);
      } catch {
        throw new HttpError(400, 'query.params: not valid JSON');
      }
      const checked = paramsSchema.safeParse(raw);
      if (!checked.success) throw new HttpError(400, zodMessage(checked.error, 'query.params'));
      params = checked.data;
    }
    const source = sources.get(sourceId);
    if (!source) throw new HttpError(400, `query.sourceId: unknown source "${sourceId}"`);
    const subscribe = source.streams?.[query];
    if (!subscribe) {
      const known = Object.keys(source.streams ?? {}).join(', ') || 'none';
      throw new HttpError(400, `query.query: source "${sourceId}" cannot stream "${query}"; it streams: ${known}`);
    }

    reply.hijack();
    const raw = reply.raw;
    raw.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    raw.write(`retry: 3000\n: stream ${sourceId} ${query}\n\n`);
    let seq = 0;
    const unsubscribe = subscribe((frame) => {
      if (raw.writableEnded) return;
      raw.write(`id: ${++seq}\nevent: frame\ndata: ${scrub(JSON.stringify(frame))}\n\n`);
    }, params);
    const heartbeat = setInterval(() => raw.write(`: heartbeat\n\n`), HEARTBEAT_MS);
    const close = () => {
      clearInterval(heartbeat);
      unsubscribe();
    };
    request.raw.on('close', close);
    app.addHook('onClose', async () => {
      close();
      raw.end();
    });
  });
}
