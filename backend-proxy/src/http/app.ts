// Builds the proxy: shared services, one Source per config entry, and the HTTP routes. It does
// not listen (server.ts does), so tests can use inject() or one ephemeral port.
import { hash, timingSafeEqual } from 'node:crypto';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { DestinationStream } from 'pino';
import { collectSecrets } from '../config/load.js';
import type { ProxyConfig, SourceConfig } from '../config/schema.js';
import { CoalescingCache } from '../core/cache.js';
import type { SourceContext } from '../core/context.js';
import type { FileHealthComponent } from '../core/durable.js';
import { HistoryStore } from '../core/history.js';
import { createLogger, SecretScrubber } from '../core/logger.js';
import { MetricFactory, selfMetrics } from '../core/metrics.js';
import { startInfluxWriter, type InfluxWriterHandle } from '../outputs/influx.js';
import { LokiPusher } from '../outputs/loki.js';
import { createSource } from '../sources/registry.js';
import { QueryInputError, UpstreamError, type Source } from '../sources/types.js';
import { ClientText, collectHosts, type SendScrubbed } from './clientText.js';
import { HttpError } from './errors.js';
import { ValidatedBodies } from './queryBodies.js';
import { annotationRoutes } from './routes/annotations.js';
import { healthRoutes } from './routes/health.js';
import { metricsRoutes } from './routes/metrics.js';
import { queryRoutes } from './routes/query.js';
import { streamRoutes } from './routes/stream.js';
import { variableRoutes } from './routes/variables.js';

export interface AppOptions {
  /** where JSON logs go (tests capture them to scan for secrets) */
  logDestination?: DestinationStream;
  now?: () => number;
  /** builds a source from its config entry; the registry by default */
  createSource?: (config: SourceConfig, context: SourceContext) => Source;
  /** longest start() waits for sources before the server may listen (default 2 s) */
  startWaitMs?: number;
}

export interface ProxyApp {
  app: FastifyInstance;
  context: SourceContext;
  sources: ReadonlyMap<string, Source>;
  /** restores history, starts every source's pollers and the snapshot timer */
  start(): Promise<void>;
  /** stops sources, writes a last history snapshot, closes the server */
  close(): Promise<void>;
}

/** Routes anyone may call: probes and Prometheus. Every other route needs the API key. */
export const PUBLIC_ROUTES: ReadonlySet<string> = new Set(['/healthz', '/metrics']);

/** A live client whose socket holds more than this unsent is too slow to keep up: dropped. */
const STREAM_MAX_BUFFERED_BYTES = 4 * 1024 * 1024;

function digest(value: string): Buffer {
  return hash('sha256', value, 'buffer');
}

/**
 * Whether a header is exactly `Bearer <apiKey>`, in time that does not depend on where it
 * differs: the header's UTF-8 is written into a buffer of the expected length and compared with
 * timingSafeEqual (~0.2 µs, where hashing the presented key costs ~2 µs). A header of another
 * length fails on the count of bytes written or of characters; those tests are made whatever
 * the bytes compared say, so the time tells nothing of where a wrong header differs.
 */
export class ExactHeader {
  private readonly expected: Buffer;
  private readonly scratch: Buffer;

  constructor(private readonly value: string) {
    this.expected = Buffer.from(value, 'utf8');
    this.scratch = Buffer.alloc(this.expected.length);
  }

  matches(header: string): boolean {
    const written = this.scratch.write(header, 0, 'utf8');
    const same = timingSafeEqual(this.scratch, this.expected);
    const whole = written === this.expected.length && header.length === this.value.length;
    return same && whole;
  }
}

export async function buildApp(config: ProxyConfig, options: AppOptions = {}): Promise<ProxyApp> {
  const now = options.now ?? Date.now;
  const secrets = new SecretScrubber();
  secrets.add(...collectSecrets(config));
  const logger = createLogger({
    level: config.server.logLevel,
    scrubber: secrets,
    ...(options.logDestination ? { destination: options.logDestination } : {}),
  });
  const metrics = new MetricFactory();
  if (config.server.site) metrics.registry.setDefaultLabels({ site: config.server.site });
  const self = selfMetrics(metrics);
  const cache = new CoalescingCache(10_000, now, config.server.cache === 'on');
  const history = new HistoryStore({
    ...(config.server.historyFile ? { file: config.server.historyFile } : {}),
    snapshotMs: config.server.snapshotSeconds * 1_000,
    onError: (error) => logger.error({ err: error, file: config.server.historyFile }, 'history snapshot failed; the last good snapshot is kept, retrying'),
    onRecover: () => logger.info({ file: config.server.historyFile }, 'history snapshot written again'),
  });

  const sources = new Map<string, Source>();
  const context: SourceContext = {
    logger,
    metrics,
    self,
    cache,
    history,
    secrets,
    lookup: (id) => sources.get(id),
    now,
    openLogPush: (options) => new LokiPusher(options),
  };

  // restored before sources exist, so each ring gets its items back when a source creates it
  const restored = await history.restore().catch((error: unknown) => {
    logger.error({ err: error }, 'history snapshot unreadable; starting with empty history');
    return 0;
  });
  if (restored > 0) logger.info({ samples: restored, file: config.server.historyFile }, 'history restored');

  const build = options.createSource ?? createSource;
  for (const sourceConfig of config.sources) {
    const child = logger.child({ source: sourceConfig.id, kind: sourceConfig.kind });
    sources.set(sourceConfig.id, build(sourceConfig, { ...context, logger: child }));
  }

  const app = Fastify({
    loggerInstance: logger as FastifyBaseLogger,
    // one line per response is written by the onResponse hook below, at a level by status
    logController: new LogController({ disableRequestLogging: true }),
    // no per-request child logger (a pino child with redaction on every request, ~5 % of a
    // cached query's CPU): nothing logs through request.log, the hook below names the request
    childLoggerFactory: (parent) => parent,
    bodyLimit: config.server.bodyLimitBytes,
    return503OnClosing: true,
    forceCloseConnections: true,
  });

  // Default-deny: every route needs the key but those listed public. The check reads the route
  // the router matched, never the raw target, so `/%61pi/query`, `//api/query`,
  // `/x/../api/query` or an absolute-form `http://h/api/query` get no further than `/api/query`
  // would; an unmatched path needs the key too, so a scan learns nothing without it.
  const apiKeyDigest = config.server.apiKey ? digest(config.server.apiKey) : null;
  const exactHeader = config.server.apiKey ? new ExactHeader(`Bearer ${config.server.apiKey}`) : null;
  // both hooks take fastify's callback form: no promise per request (a cached query is ~40 µs)
  app.addHook('onRequest', (request, _reply, done) => {
    if (!apiKeyDigest) return done();
    const header = request.headers.authorization;
    // the usual spelling, compared in constant time without a hash; any other goes the long way
    if (header !== undefined && exactHeader!.matches(header)) return done();
    const route = request.routeOptions.url;
    if (route !== undefined && PUBLIC_ROUTES.has(route)) return done();
    if (!header) return done(new HttpError(401, 'missing header "Authorization: Bearer <apiKey>"'));
    const match = /^Bearer\s+(.+)$/i.exec(header);
    if (!match || !timingSafeEqual(digest(match[1]!.trim()), apiKeyDigest)) return done(new HttpError(401, 'invalid API key'));
    done();
  });

  app.addHook('onResponse', (request, reply, done) => {
    const level = reply.statusCode >= 500 ? 'error' : reply.statusCode >= 400 ? 'info' : 'debug';
    if (logger.isLevelEnabled(level)) {
      logger[level](
        { method: request.method, url: request.url, status: reply.statusCode, ms: Math.round(reply.elapsedTime) },
        'request'
      );
    }
    done();
  });

  // Secrets are scrubbed where upstream data leaves (query results, variables, annotations,
  // health, streams, /metrics), not from whole bodies: a body also echoes the request (a refId,
  // an unknown id), and scrubbing that would answer "[redacted]" exactly when a guess is right.
  const clientText = new ClientText(secrets, collectHosts(config.sources));
  const sendScrubbed: SendScrubbed = (reply, value) => reply.type('application/json; charset=utf-8').send(secrets.scrub(JSON.stringify(value)));

  app.setErrorHandler((error: Error & { statusCode?: number; code?: string }, request, reply) => {
    // messages built from the request (HttpError, QueryInputError, fastify's own 4xx) go back as
    // written; an upstream's words pass ClientText; anything else is a bug, logged, not shown
    const status =
      error instanceof HttpError ? error.statusCode
      : error instanceof QueryInputError ? 400
      : error instanceof UpstreamError ? 502
      : (error.statusCode ?? 500);
    if (status === 401) reply.header('www-authenticate', 'Bearer realm="nodescope"');
    if (error instanceof UpstreamError) {
      logger.warn({ err: error, url: request.url }, 'upstream failed');
      return reply.code(status).send({ error: clientText.upstream(error.message), statusCode: status });
    }
    if (status >= 500) {
      logger.error({ err: error, url: request.url }, 'request failed');
      return reply.code(status).send({ error: 'internal error', statusCode: status });
    }
    return reply.code(status).send({ error: error.message, statusCode: status });
  });

  // the path is not echoed: see the scrubbing note above
  app.setNotFoundHandler((request, reply) =>
    reply.code(404).send({ error: `no such route for ${request.method}; the API is under /api/ (GET /api/sources lists the sources)`, statusCode: 404 })
  );

  // JSON only: a text/plain body is a client mistake, answered with 415 rather than parsed
  app.removeContentTypeParser('text/plain');
  // fastify's own JSON parser (secure-json-parse, `__proto__` and `constructor` refused), except
  // that an /api/query body whose exact text was validated before is not parsed again
  // (queryBodies.ts); the raw target must be exactly the route's, so nothing else gets one
  const bodies = new ValidatedBodies();
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string', bodyLimit: config.server.bodyLimitBytes }, (request, body, done) => {
    const text = body as string; // parseAs: 'string'
    const query = request.url === '/api/query' && request.method === 'POST';
    const known = query ? bodies.known(text) : undefined;
    if (known !== undefined) return done(null, known);
    parseJson(request, text, (error, value) => {
      if (query && !error) bodies.parsedFrom(value, text);
      done(error, value);
    });
  });

  const durableFiles = () => {
    const files: Record<string, FileHealthComponent> = {};
    if (history.fileHealth) files.history = history.fileHealth.component();
    if (influx?.writer.queueFileHealth) files['influx-queue'] = influx.writer.queueFileHealth.component();
    return files;
  };
  healthRoutes(app, sources, { sendScrubbed, clientText, files: durableFiles });
  queryRoutes(app, {
    sources,
    cache,
    cacheTtlMs: config.server.cacheTtlMs,
    self,
    now,
    maxQueries: config.server.maxQueries,
    bodies,
    upstreamBudget: config.server.upstreamBudget,
    onError: (error, sourceId, query) => logger.warn({ err: error, source: sourceId, query }, 'query failed'),
    scrub: (text) => secrets.scrub(text),
    clientText,
  });
  variableRoutes(app, sources, sendScrubbed);
  annotationRoutes(app, sources, sendScrubbed);
  streamRoutes(app, sources, { scrub: (text) => secrets.scrub(text), logger, maxBufferedBytes: STREAM_MAX_BUFFERED_BYTES });
  const refreshDerivedMetrics = metricsRoutes(app, { sources, metrics, self, cache, scrub: (text) => secrets.scrub(text), files: durableFiles });

  let started = false;
  let influx: InfluxWriterHandle | null = null;
  app.addHook('onClose', async () => {
    // first, so its last snapshot still sees the sources; pending lines stay in its queue file
    await influx?.stop().catch((error: unknown) => logger.error({ err: error }, 'influx writer stop failed'));
    await Promise.allSettled([...sources.values()].map((source) => source.stop()));
    await history.stop().catch((error: unknown) => logger.error({ err: error }, 'final history snapshot failed'));
  });

  return {
    app,
    context,
    sources,
    async start() {
      if (started) return;
      started = true;
      const starting = Promise.all(
        [...sources.values()].map((source) =>
          source.start().catch((error: unknown) => logger.error({ err: error, source: source.id }, 'source failed to start'))
        )
      );
      // a slow upstream (a 300k-transaction mempool fill, a miner scan) must not hold up
      // listening: sources report 'starting' in /api/health until they are ready
      let timer: NodeJS.Timeout | undefined;
      const waited = new Promise<void>((resolve) => (timer = setTimeout(resolve, options.startWaitMs ?? 2_000)));
      await Promise.race([starting, waited]);
      clearTimeout(timer);
      history.start();
      const influxConfig = config.outputs?.influx;
      if (influxConfig) {
        influx = await startInfluxWriter(influxConfig, {
          registry: metrics.registry,
          logger,
          secrets,
          metrics,
          now,
          beforeCollect: refreshDerivedMetrics,
        }).catch(
          (error: unknown) => {
            logger.error({ err: error }, 'influx writer failed to start');
            return null;
          }
        );
      }
    },
    close: () => app.close(),
  };
}
