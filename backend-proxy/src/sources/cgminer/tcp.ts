// One request on a fresh TCP connection and its reply, for the miners' TCP APIs (CGMiner's NUL
// framing here, Whatsminer API v3's length prefix in btminerV3.ts). Node built-ins and core's
// errors only, so the I/O threads (ioWorker.ts) load it as it is.
import { connect } from 'node:net';
import { UpstreamError } from '../../core/errors.js';

export interface MinerEndpoint {
  host: string;
  port: number;
}

export interface ExchangeOptions {
  /** connect must finish within this */
  connectTimeoutMs: number;
  /** whole exchange (connect + reply) must finish within this */
  timeoutMs: number;
  /** a reply larger than this is cut off and refused (bounded memory on a broken miner) */
  maxBytes?: number;
}

/** A CGMiner API exchange: the reply's text up to the NUL, and its length in bytes. */
export type Exchange = (endpoint: MinerEndpoint, request: string, options: ExchangeOptions) => Promise<{ text: string; bytes: number }>;

export const DEFAULT_MAX_BYTES = 4 * 1024 * 1024;

/** What a framing makes of what arrived so far: the whole reply, an error, or undefined (read on). */
type Framed<T> = { reply: T } | Error | undefined;

/** How one protocol tells where its reply ends (CGMiner: a NUL; Whatsminer v3: a length prefix). */
export interface Framing<T> {
  data(chunk: Buffer): Framed<T>;
  /** the miner closed the connection */
  end(): { reply: T } | Error;
  /** the total deadline passed: a reply to take as it is, else the timeout error */
  deadline?(): { reply: T } | undefined;
}

/**
 * One request on a fresh TCP connection, its reply read through `framing`: a connect timeout, a
 * total deadline, and socket errors as UpstreamError (ECONNREFUSED as "connection refused").
 */
export function tcpExchange<T>(
  endpoint: MinerEndpoint,
  request: string | Buffer,
  options: ExchangeOptions,
  framing: (where: string) => Framing<T>
): Promise<T> {
  return new Promise((resolve, reject) => {
    let settled = false;
    let connected = false;
    const started = performance.now();
    const socket = connect({ host: endpoint.host, port: endpoint.port });
    const where = `${endpoint.host}:${endpoint.port}`;
    const frame = framing(where);

    const finish = (outcome: Framed<T>): void => {
      if (settled || outcome === undefined) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      if (outcome instanceof Error) reject(outcome);
      else resolve(outcome.reply);
    };
    const deadline = (): void =>
      finish(frame.deadline?.() ?? new UpstreamError(`${where}: no complete reply within ${options.timeoutMs} ms`, 'timeout'));
    // one timer per exchange (a fleet opens tens of thousands a cycle): it fires first at the
    // connect deadline, and once connected is set again for what is left of the total
    let timer = setTimeout(() => {
      if (!connected && options.connectTimeoutMs <= options.timeoutMs) {
        return finish(new UpstreamError(`${where}: connect timeout after ${options.connectTimeoutMs} ms`, 'timeout'));
      }
      const left = options.timeoutMs - (performance.now() - started);
      if (left <= 0) deadline();
      else timer = setTimeout(deadline, left);
    }, Math.min(options.connectTimeoutMs, options.timeoutMs));

    socket.once('connect', () => {
      connected = true;
      socket.write(request);
    });
    socket.on('data', (chunk: Buffer) => {
      if (!settled) finish(frame.data(chunk));
    });
    socket.once('end', () => finish(frame.end()));
    socket.once('error', (error: NodeJS.ErrnoException) => {
      const code = error.code ?? 'error';
      finish(new UpstreamError(`${where}: ${code === 'ECONNREFUSED' ? 'connection refused' : code}`, code));
    });
  });
}

/** One request/reply on a fresh connection: the reply's bytes up to a NUL, or all when the miner closes. */
export function nulExchangeBytes(endpoint: MinerEndpoint, request: string, options: ExchangeOptions): Promise<Buffer> {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  // a reply of a few KiB comes in one chunk: kept as it is, an array only from the second
  let first: Buffer | undefined;
  let more: Buffer[] | undefined;
  let bytes = 0;
  const whole = () => ({ reply: more ? Buffer.concat(more) : first! });
  return tcpExchange(endpoint, request, options, (where) => ({
    data(chunk) {
      const nul = chunk.indexOf(0);
      const part = nul >= 0 ? chunk.subarray(0, nul) : chunk;
      bytes += part.length;
      if (bytes > maxBytes) return new UpstreamError(`${where}: reply larger than ${maxBytes} bytes`, 'too-large');
      if (!first) first = part;
      else (more ??= [first]).push(part);
      return nul >= 0 ? whole() : undefined; // the NUL ends the reply; the miner closes next
    },
    end: () => (bytes === 0 ? new UpstreamError(`${where}: connection closed without a reply`, 'empty') : whole()),
    // firmware that neither sends the NUL nor closes: what arrived by the deadline is the
    // reply (the parser refuses it if it is cut short)
    deadline: () => (bytes > 0 ? whole() : undefined),
  }));
}

/** nulExchangeBytes, the reply as text. */
export const nulExchange: Exchange = async (endpoint, request, options) => {
  const reply = await nulExchangeBytes(endpoint, request, options);
  return { text: reply.toString('utf8'), bytes: reply.length };
};
