import { afterAll, beforeAll } from 'vitest';
import { Subscriber } from 'zeromq';
import type { BitcoinSimulator } from './index.js';

/** Helpers for tests that talk to the simulator over its real sockets. */

/** One simulator for a describe block: beforeAll starts it (`start` keeps it in the block's variable), afterAll closes it. */
export function startForSuite(start: () => Promise<{ close(): Promise<unknown> }>): void {
  let started: { close(): Promise<unknown> } | undefined;
  beforeAll(async () => {
    started = await start();
  });
  afterAll(async () => {
    await started?.close();
  });
}

export interface RawReply {
  status: number;
  headers: Headers;
  text: string;
  json: unknown;
}

export async function postRaw(
  sim: BitcoinSimulator,
  body: string,
  options: { auth?: string | null; method?: string; path?: string; signal?: AbortSignal } = {}
): Promise<RawReply> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  const auth = options.auth === undefined ? sim.credentials() : options.auth;
  if (auth !== null) headers.authorization = `Basic ${Buffer.from(auth).toString('base64')}`;
  const url = new URL(options.path ?? '/', sim.rpcUrl);
  const method = options.method ?? 'POST';
  const response = await fetch(url, {
    method,
    headers,
    ...(method === 'GET' ? {} : { body }),
    ...(options.signal ? { signal: options.signal } : {}),
  });
  const text = await response.text();
  let json: unknown;
  try {
    json = text === '' ? undefined : JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, headers: response.headers, text, json };
}

/** one JSON-RPC 1.0-style call; returns the result or throws the error object */
export async function rpc<T = unknown>(
  sim: BitcoinSimulator,
  method: string,
  params: unknown[] | Record<string, unknown> = []
): Promise<T> {
  const reply = await postRaw(sim, JSON.stringify({ jsonrpc: '1.0', id: 'test', method, params }));
  const body = reply.json as { result: T; error: { code: number; message: string } | null };
  if (body.error) throw Object.assign(new Error(body.error.message), { code: body.error.code, status: reply.status });
  return body.result;
}

export interface SequenceMessage {
  topic: string;
  hash: string;
  label: 'A' | 'R' | 'C' | 'D';
  mempoolSequence: number | null;
  counter: number;
  bodyLength: number;
}

export function decodeSequence(frames: Buffer[]): SequenceMessage {
  const [topic, body, counter] = frames as [Buffer, Buffer, Buffer];
  return {
    topic: topic.toString(),
    hash: body.subarray(0, 32).toString('hex'),
    label: String.fromCharCode(body[32] as number) as SequenceMessage['label'],
    mempoolSequence: body.length === 41 ? Number(body.readBigUInt64LE(33)) : null,
    counter: counter.readUInt32LE(0),
    bodyLength: body.length,
  };
}

/**
 * A subscriber that has provably joined. It keeps one receive pending at all times (a background
 * loop into a queue): zeromq.js can miss messages that arrive after a reconnect when reads are
 * only issued with timeouts in between.
 */
export class SequenceSubscriber {
  readonly socket = new Subscriber({ linger: 0 });
  private readonly queue: SequenceMessage[] = [];
  private waiter: (() => void) | null = null;
  private closed = false;

  private constructor() {}

  static async connect(sim: BitcoinSimulator): Promise<SequenceSubscriber> {
    const sub = new SequenceSubscriber();
    sub.socket.connect(sim.zmqSequenceEndpoint as string);
    sub.socket.subscribe('sequence');
    void sub.pump();
    // slow joiner: publish probe transactions until one arrives, then drain
    for (let attempt = 0; attempt < 100; attempt++) {
      sim.addTransactions(1);
      if (await sub.tryReceive(100)) {
        await sub.drain();
        return sub;
      }
    }
    throw new Error('subscriber never received a message');
  }

  private async pump(): Promise<void> {
    try {
      for await (const frames of this.socket) {
        this.queue.push(decodeSequence(frames as Buffer[]));
        this.waiter?.();
      }
    } catch {
      // socket closed
    }
  }

  async tryReceive(timeoutMs: number): Promise<SequenceMessage | null> {
    if (this.queue.length === 0 && !this.closed) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          this.waiter = null;
          resolve();
        }, timeoutMs);
        this.waiter = () => {
          clearTimeout(timer);
          this.waiter = null;
          resolve();
        };
      });
    }
    return this.queue.shift() ?? null;
  }

  async receive(): Promise<SequenceMessage> {
    const message = await this.tryReceive(5000);
    if (!message) throw new Error('no ZMQ message within 5 s');
    return message;
  }

  async receiveN(n: number): Promise<SequenceMessage[]> {
    const out: SequenceMessage[] = [];
    while (out.length < n) out.push(await this.receive());
    return out;
  }

  /** read everything already queued or arriving within 50 ms */
  async drain(): Promise<SequenceMessage[]> {
    const out: SequenceMessage[] = [];
    for (;;) {
      const message = await this.tryReceive(50);
      if (!message) return out;
      out.push(message);
    }
  }

  close(): void {
    this.closed = true;
    this.socket.close();
  }
}
