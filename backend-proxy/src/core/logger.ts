// Structured JSON logs (pino). Secrets are removed twice: known secret-bearing keys are
// redacted by path, and every configured secret value is scrubbed from the final line, so a
// credential echoed inside an upstream error message cannot reach the log either.
// An expected upstream failure (node down, timeout, circuit open) is logged as its cause in one
// short object; a stack trace is kept for what is a bug in the proxy.
import { pino, type DestinationStream, type Logger } from 'pino';

export const REDACTED = '[redacted]';

const REDACT_PATHS = [
  'password',
  '*.password',
  'apiKey',
  '*.apiKey',
  'token',
  '*.token',
  'cookie',
  '*.cookie',
  'authorization',
  '*.authorization',
  'req.headers.authorization',
  'req.headers.cookie',
];

export class SecretScrubber {
  private secrets: string[] = [];

  add(...values: Array<string | undefined | null>): void {
    for (const value of values) {
      // very short values would scrub ordinary words; config validation demands longer secrets
      if (value && value.length >= 4 && !this.secrets.includes(value)) this.secrets.push(value);
    }
    this.secrets.sort((a, b) => b.length - a.length);
  }

  scrub(text: string): string {
    let out = text;
    for (const secret of this.secrets) if (out.includes(secret)) out = out.split(secret).join(REDACTED);
    return out;
  }

  get size(): number {
    return this.secrets.length;
  }
}

// classes (by name, so core needs no import from sources) whose instances are expected failures
const EXPECTED_CLASSES = new Set(['UpstreamError', 'CircuitOpenError', 'TimeoutError', 'AbortError']);
// Node's system errors from sockets and files: ECONNREFUSED, ETIMEDOUT, EHOSTUNREACH, ENOENT, …
const SYSTEM_CODE = /^E[A-Z0-9_]+$/;

/** True for a failure of something outside the proxy that a stack trace would not help with. */
export function isExpectedFailure(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && SYSTEM_CODE.test(code)) return true;
  if (EXPECTED_CLASSES.has(error.name)) return true;
  for (let proto = Object.getPrototypeOf(error) as object | null; proto && proto !== Error.prototype; proto = Object.getPrototypeOf(proto) as object | null) {
    if (EXPECTED_CLASSES.has((proto.constructor as { name?: string }).name ?? '')) return true;
  }
  return false;
}

/** pino's `err` serializer, without the stack for expected failures. */
export function serializeError(error: unknown): unknown {
  if (!isExpectedFailure(error)) return pino.stdSerializers.err(error as Error);
  const { name, message } = error as Error;
  const code = (error as { code?: unknown }).code;
  return { type: name, message, ...(code !== undefined ? { code } : {}) };
}

const FASTIFY_LISTENING = 'Server listening at ';

export function createLogger(
  options: { level?: string; scrubber: SecretScrubber; destination?: DestinationStream }
): Logger {
  const target = options.destination ?? pino.destination({ dest: 1, sync: false });
  const scrubbing: DestinationStream = {
    write: (line: string) => target.write(options.scrubber.scrub(line)),
  };
  return pino(
    {
      level: options.level ?? 'info',
      base: { service: 'nodescope-proxy' },
      redact: { paths: REDACT_PATHS, censor: REDACTED },
      serializers: { err: serializeError },
      hooks: {
        // fastify announces each listening address itself; the proxy writes its own one line
        // ("listening on …", at any level: scripts and operators wait for it), so drop fastify's
        logMethod(args, method) {
          if (typeof args[0] === 'string' && args[0].startsWith(FASTIFY_LISTENING)) return;
          method.apply(this, args);
        },
      },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    scrubbing
  );
}
