// I/O only: Freqtrade's message websocket (/api/v1/message/ws?token=...). It subscribes to
// fill messages and reports each one; the source then polls at once, so trades reach streams
// within a round trip instead of a poll interval. Reconnects with backoff until stopped.
// The token travels in the URL (Freqtrade's design): the URL is never logged or put in errors.
import { randomBytes } from 'node:crypto';
import { request as httpRequest, type ClientRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { Duplex } from 'node:stream';
import { backoffDelay } from '../../core/retry.js';
import { MESSAGE_SOCKET_PATH, isAllowedUpgrade } from './client.js';
import { FrameParser, OPCODE, acceptKey, encodeFrame } from './wsframe.js';

/** RPCMessageType values the source listens to. */
export const FILL_MESSAGES = ['entry_fill', 'exit_fill', 'entry_cancel', 'exit_cancel'] as const;

export interface MessageSocketOptions {
  /** the bot's base URL (http or https) */
  url: string;
  /** ws_token or a JWT access token, asked for at every connect */
  token: () => Promise<string>;
  timeoutMs: number;
  onMessage: (type: string) => void;
  onState: (connected: boolean, error: string | null) => void;
  reconnectBaseMs?: number;
  reconnectMaxMs?: number;
}

export class FreqtradeMessageSocket {
  private socket: Duplex | null = null;
  private request: ClientRequest | null = null;
  private timer: NodeJS.Timeout | undefined;
  private attempt = 0;
  private stopped = true;
  connected = false;
  lastError: string | null = 'not connected yet';

  constructor(private readonly options: MessageSocketOptions) {}

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    void this.connect();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    this.request?.destroy();
    if (this.socket) {
      this.socket.write(encodeFrame(OPCODE.close, Buffer.from([0x03, 0xe8]), true));
      this.socket.destroy();
    }
    this.socket = null;
    this.connected = false;
  }

  private fail(message: string): void {
    this.socket?.destroy();
    this.socket = null;
    this.request = null;
    const was = this.connected;
    this.connected = false;
    this.lastError = message;
    if (was || this.attempt === 0) this.options.onState(false, message);
    if (this.stopped) return;
    const delay = backoffDelay(this.attempt++, this.options.reconnectBaseMs ?? 1_000, this.options.reconnectMaxMs ?? 60_000);
    this.timer = setTimeout(() => void this.connect(), Math.max(100, delay));
    this.timer.unref();
  }

  private async connect(): Promise<void> {
    if (this.stopped) return;
    let token: string;
    try {
      token = await this.options.token();
    } catch (error) {
      this.fail(`no token (${error instanceof Error ? error.message : 'login failed'})`);
      return;
    }
    if (this.stopped) return;
    if (!isAllowedUpgrade(MESSAGE_SOCKET_PATH)) return this.fail('refused: not an allow-listed upgrade');
    const base = new URL(this.options.url);
    const key = randomBytes(16).toString('base64');
    const request = (base.protocol === 'https:' ? httpsRequest : httpRequest)({
      protocol: base.protocol,
      hostname: base.hostname,
      port: base.port,
      path: `${MESSAGE_SOCKET_PATH}?token=${encodeURIComponent(token)}`,
      headers: { connection: 'Upgrade', upgrade: 'websocket', 'sec-websocket-key': key, 'sec-websocket-version': '13' },
      timeout: this.options.timeoutMs,
    });
    this.request = request;
    request.on('timeout', () => request.destroy(new Error(`timed out after ${this.options.timeoutMs} ms`)));
    request.on('error', (error: NodeJS.ErrnoException) => this.fail(`${error.code ?? error.message}`));
    request.on('response', (response) => {
      response.resume();
      this.fail(`HTTP ${response.statusCode ?? 0} instead of an upgrade`);
    });
    request.on('upgrade', (response, socket, head) => {
      if (response.headers['sec-websocket-accept'] !== acceptKey(key)) {
        socket.destroy();
        this.fail('bad Sec-WebSocket-Accept');
        return;
      }
      this.request = null;
      this.socket = socket;
      this.attempt = 0;
      this.connected = true;
      this.lastError = null;
      this.options.onState(true, null);
      socket.setTimeout(0);
      const parser = new FrameParser();
      const onData = (chunk: Buffer) => {
        let frames;
        try {
          frames = parser.push(chunk);
        } catch (error) {
          this.fail(`${error instanceof Error ? error.message : 'bad frame'}`);
          return;
        }
        for (const frame of frames) {
          if (frame.opcode === OPCODE.ping) socket.write(encodeFrame(OPCODE.pong, frame.payload, true));
          else if (frame.opcode === OPCODE.close) {
            socket.write(encodeFrame(OPCODE.close, frame.payload.subarray(0, 2), true));
            this.fail(`closed by the bot (${frame.payload.length >= 2 ? frame.payload.readUInt16BE(0) : 1005})`);
            return;
          } else if (frame.opcode === OPCODE.text) this.dispatch(frame.payload.toString('utf8'));
        }
      };
      socket.on('data', onData);
      socket.on('close', () => {
        if (this.socket === socket) this.fail('connection closed');
      });
      socket.on('error', () => undefined); // 'close' follows and reconnects
      const subscribe = { type: 'subscribe', data: [...FILL_MESSAGES] };
      socket.write(encodeFrame(OPCODE.text, Buffer.from(JSON.stringify(subscribe)), true));
      if (head.length > 0) onData(head);
    });
    request.end();
  }

  private dispatch(text: string): void {
    try {
      const message = JSON.parse(text) as { type?: unknown };
      if (typeof message.type === 'string') this.options.onMessage(message.type);
    } catch {
      // not JSON: ignore (Freqtrade only sends JSON)
    }
  }
}
