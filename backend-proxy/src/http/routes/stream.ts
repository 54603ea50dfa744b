// Server-Sent Events. One live query per connection (`?sourceId=…&query=…&params=…`: each
// `frame` event is one DataFrameJSON append), or several (`?streams=[{key, sourceId, query,
// params}]`: `frame` events carry `{key, frame}`, `stream-error` events `{key, error}`), because a
// browser opens at most six connections per origin. A comment line every 15 s keeps proxies (and
// Grafana's data source proxy) from closing an idle stream.
//
// A stream outlives its request handler, so nothing it does may throw into the process: sources'
// subscriptions are looked up by own property only and shared through the StreamHub, the write
// and close paths are guarded and idempotent, and a client that stops reading (its socket holds
// more than `maxBufferedBytes` unsent) is dropped with one log line instead of buffering without
// bound.
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { own, ownNames } from '../../core/lookup.js';
import { checkParams } from '../../sources/catalog.js';
import { QueryInputError, type QueryInput, type Source, type StreamSubscribe } from '../../sources/types.js';
import { HttpError } from '../errors.js';
import { paramsSchema, streamQuerySchema, streamSpecsSchema, zodMessage } from '../schemas.js';
import { StreamHub, topicKey } from '../streamHub.js';

const HEARTBEAT_MS = 15_000;

export interface StreamRouteOptions {
  scrub: (text: string) => string;
  logger: Logger;
  maxBufferedBytes: number;
}

interface Spec {
  key?: string;
  sourceId: string;
  query: string;
  params: QueryInput['params'];
}

function parseJson(text: string, field: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new HttpError(400, `${field}: not valid JSON`);
  }
}

/** The source's stream for a spec and its params parsed by the catalog, or the reason there is none (said to the client). */
function resolve(sources: ReadonlyMap<string, Source>, spec: Spec): { error: string; badParams?: true } | { subscribe: StreamSubscribe; params: QueryInput['params'] } {
  const source = sources.get(spec.sourceId);
  if (!source) return { error: `unknown source "${spec.sourceId}"` };
  const subscribe = own(source.streams, spec.query);
  if (!subscribe) {
    return { error: `source "${spec.sourceId}" cannot stream "${spec.query}"; it streams: ${ownNames(source.streams).join(', ') || 'none'}` };
  }
  try {
    return { subscribe, params: checkParams(source.kind, spec.query, spec.params) };
  } catch (error) {
    if (error instanceof QueryInputError) return { error: error.message, badParams: true };
    throw error;
  }
}

export function streamRoutes(app: FastifyInstance, sources: ReadonlyMap<string, Source>, options: StreamRouteOptions): StreamHub {
  const { logger } = options;
  const hub = new StreamHub(options.scrub, logger);
  // closes every open stream when the server closes; registered once, before listening
  const open = new Set<() => void>();
  app.addHook('onClose', async () => {
    for (const close of [...open]) close();
  });

  app.get('/api/stream', async (request, reply) => {
    const parsed = streamQuerySchema.safeParse(request.query);
    if (!parsed.success) throw new HttpError(400, zodMessage(parsed.error, 'query'));
    const multiplexed = parsed.data.streams !== undefined;
    let specs: Spec[];
    if (multiplexed) {
      const checked = streamSpecsSchema.safeParse(parseJson(parsed.data.streams!, 'query.streams'));
      if (!checked.success) throw new HttpError(400, zodMessage(checked.error, 'query.streams'));
      specs = checked.data.map((s) => ({ ...s, params: s.params ?? {} }));
    } else {
      let params = {};
      if (parsed.data.params) {
        const checked = paramsSchema.safeParse(parseJson(parsed.data.params, 'query.params'));
        if (!checked.success) throw new HttpError(400, zodMessage(checked.error, 'query.params'));
        params = checked.data;
      }
      specs = [{ sourceId: parsed.data.sourceId!, query: parsed.data.query!, params }];
    }
    // each spec's stream looked up once; with one stream a wrong name is the request's fault,
    // answered before the stream opens, with several it is that stream's `stream-error`
    const streams = specs.map((spec) => ({ spec, found: resolve(sources, spec) }));
    const single = streams[0]!;
    if (!multiplexed && 'error' in single.found) {
      const field = single.found.badParams ? 'query.params' : sources.has(single.spec.sourceId) ? 'query.query' : 'query.sourceId';
      throw new HttpError(400, `${field}: ${single.found.error}`);
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
    raw.write(multiplexed ? `retry: 3000\n: ${specs.length} streams\n\n` : `retry: 3000\n: stream ${specs[0]!.sourceId} ${specs[0]!.query}\n\n`);

    let closed = false;
    const timers: { heartbeat?: NodeJS.Timeout } = {};
    const leaves: Array<() => void> = [];
    const close = () => {
      if (closed) return;
      closed = true;
      open.delete(close);
      clearInterval(timers.heartbeat);
      for (const leave of leaves) leave();
      if (!raw.writableEnded) raw.end();
    };
    const write = (text: string) => {
      if (closed || raw.writableEnded || raw.destroyed) return;
      if (raw.writableLength > options.maxBufferedBytes) {
        logger.warn({ streams: specs.length, bufferedBytes: raw.writableLength }, 'stream client too slow; dropped');
        close();
        raw.destroy();
        return;
      }
      raw.write(text);
    };
    const streamError = (spec: Spec, error: string) =>
      write(`event: stream-error\ndata: ${JSON.stringify({ key: spec.key, error: `${spec.sourceId} ${spec.query}: ${error}` })}\n\n`);

    let seq = 0;
    for (const { spec, found } of streams) {
      if ('error' in found) {
        streamError(spec, found.error);
        continue;
      }
      const prefix = multiplexed ? `{"key":${JSON.stringify(spec.key)},"frame":` : '';
      const suffix = multiplexed ? '}' : '';
      try {
        leaves.push(
          hub.follow(topicKey(spec.sourceId, spec.query, found.params), found.subscribe, found.params, (frameJson) =>
            write(`id: ${++seq}\nevent: frame\ndata: ${prefix}${frameJson}${suffix}\n\n`)
          )
        );
      } catch (error) {
        // a QueryInputError is about the request (e.g. a log level the source does not know)
        const told = error instanceof QueryInputError ? error.message : 'the stream could not start';
        if (!(error instanceof QueryInputError)) logger.error({ err: error, source: spec.sourceId, query: spec.query }, 'stream subscribe failed');
        if (multiplexed) streamError(spec, told);
        else write(`event: error\ndata: ${JSON.stringify({ error: told })}\n\n`);
      }
    }
    if (leaves.length === 0 && !multiplexed) {
      close();
      return;
    }
    open.add(close);
    timers.heartbeat = setInterval(() => write(`: heartbeat\n\n`), HEARTBEAT_MS);
    request.raw.on('close', close);
  });
  return hub;
}
