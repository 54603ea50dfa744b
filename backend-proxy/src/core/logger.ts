// Structured JSON logs (pino). Secrets are removed twice: known secret-bearing keys are
// redacted by path, and every configured secret value is scrubbed from the final line, so a
// credential echoed inside an upstream error message cannot reach the log either.
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
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    scrubbing
  );
}
