// Server-Sent Events: each `frame` event carries one DataFrameJSON append. A comment line every
// 15 s keeps proxies (and Grafana's data source proxy) from closing an idle stream.
//
// A stream outlives its request handler, so nothing it does may throw into the process: the
// source's subscription is looked up by own property only, the emit and close paths are guarded
// and idempotent, and a client that stops reading (its socket holds more than
// `maxBufferedBytes` unsent) is dropped with one log line instead of buffering without bound.
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { own, ownNames } from '../../core/lookup.js';
import type { DataFrameJSON } from '@nodescope/shared';
import type { Source } from '../../sources/types.js';
import { HttpError } from '../errors.js';
import { paramsSchema, streamQuerySchema, zodMessage } from '../schemas.js';

const HEARTBEAT_MS = 15_000;

export interface StreamRouteOptions {
  scrub: (text: string) => string;
  logger: Logger;
  maxBufferedBytes: number;
}

export function streamRoutes(app: FastifyInstance, sources: ReadonlyMap<string, Source>, options: StreamRouteOptions): void {
  const { scrub, logger } = options;
  // closes every open stream when the server closes; registered once, before listening
  const open = new Set<() => void>();
  app.addHook('onClose', async () => {
    for (const close of [...open]) close();
  });

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
    const subscribe = own(source.streams, query);
    if (!subscribe) {
      const known = ownNames(source.streams).join(', ') || 'none';
      throw new HttpError(400, `query.query: source "${sourceId}" cannot stream "${query}"; it streams: ${known}`);
    }

    reply.hijack();
    const raw = reply.raw;
    raw.on('error', () => undefined); // a reset socket: 'close' follows and cleans up
    raw.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    raw.write(`retry: 3000\n: stream ${sourceId} ${query}\n\n`);

    let closed = false;
    const timers: { heartbeat?: NodeJS.Timeout } = {};
    let unsubscribe: (() => void) | undefined;
    const close = () => {
      if (closed) return;
      closed = true;
      open.delete(close);
      clearInterval(timers.heartbeat);
      try {
        unsubscribe?.();
      } catch (error) {
        logger.error({ err: error, source: sourceId, query }, 'stream unsubscribe failed');
      }
      if (!raw.writableEnded) raw.end();
    };
    const write = (text: string) => {
      if (closed || raw.writableEnded || raw.destroyed) return;
      if (raw.writableLength > options.maxBufferedBytes) {
        logger.warn({ source: sourceId, query, bufferedBytes: raw.writableLength }, 'stream client too slow; dropped');
        close();
        raw.destroy();
        return;
      }
      raw.write(text);
    };
    let seq = 0;
    try {
      unsubscribe = subscribe((frame: DataFrameJSON) => {
        try {
          write(`id: ${++seq}\nevent: frame\ndata: ${scrub(JSON.stringify(frame))}\n\n`);
        } catch (error) {
          logger.error({ err: error, source: sourceId, query }, 'stream frame not sent');
        }
      }, params);
    } catch (error) {
      logger.error({ err: error, source: sourceId, query }, 'stream subscribe failed');
      write(`event: error\ndata: ${JSON.stringify({ error: 'the stream could not start' })}\n\n`);
      close();
      return;
    }
    open.add(close);
    timers.heartbeat = setInterval(() => write(`: heartbeat\n\n`), HEARTBEAT_MS);
    request.raw.on('close', close);
  });
}
