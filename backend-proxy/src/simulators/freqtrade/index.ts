// A Freqtrade 2026.9 REST API server (api_server of freqtrade/rpc/api_server) for tests and the demo:
// routes as api_v1.py / api_trading.py / api_auth.py declare them, answers with the fields of each
// route's response_model in api_schemas.py (bot.ts; checked by test/python/test_freqtrade_models.py
// against freqtrade==2026.9's own pydantic models),
// the same paths, auth (HTTP Basic or HS256 JWT with 15-minute access and 30-day refresh
// tokens), error bodies ({detail} for FastAPI errors, 502 {error} for RPCException) and
// pagination of /api/v1/trades. Write endpoints exist too (answering as the bot would), so
// a test can prove the proxy never calls them: every request is recorded in `received`.
import { createHmac, timingSafeEqual, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { BotState } from '../../sources/freqtrade/api.js';
import { FrameParser, OPCODE, acceptKey, encodeFrame } from '../../sources/freqtrade/wsframe.js';
import { FREQTRADE_VERSION, SimulatedBot, printDate, type BotOptions, type SimTrade } from './bot.js';

export type FreqtradeFault =
  /** every connection is reset before an answer */
  | 'down'
  /** the exchange fails: /balance answers 502 "Error getting current tickers." */
  | 'exchange-error'
  /** the bot's loop is stuck: last_process stops moving */
  | 'stale-heartbeat'
  /** the bot restarted with a new jwt_secret_key: every issued token now gets 401 */
  | 'reject-tokens'
  /** /profit answers 200 with a truncated JSON body */
  | 'malformed'
  /** every private read is accepted but never answered */
  | 'hang';

export interface FreqtradeSimulatorOptions extends Partial<BotOptions> {
  port?: number;
  host?: string;
  username?: string;
  password?: string;
  /** clock of the bot (token expiry, trade times, heartbeat); tests inject one */
  now?: () => number;
  accessTtlSeconds?: number;
  refreshTtlSeconds?: number;
  state?: BotState;
  /** enables POST /_sim/fault|state|step for the demo (never counted in `received`) */
  control?: boolean;
  /** calls step() on this interval (demo only) */
  autoStepMs?: number;
  /** api_server.ws_token accepted by the message websocket (a JWT access token always is) */
  wsToken?: string;
}

export interface ReceivedRequest {
  method: string;
  path: string;
  search: string;
  auth: 'basic' | 'bearer' | 'none';
}

export interface FreqtradeSimulator {
  url: string;
  port: number;
  username: string;
  password: string;
  bot: SimulatedBot;
  received: ReceivedRequest[];
  /** every token this bot has issued (tests scan outputs for them) */
  issuedTokens: string[];
  /** number of received requests to a path (any method unless given) */
  count(path: string, method?: string): number;
  setFault(fault: FreqtradeFault, active?: boolean): void;
  clearFaults(): void;
  setState(state: BotState): void;
  /** one trading step; entry_fill/exit_fill go out to message-websocket subscribers */
  step(): ReturnType<SimulatedBot['step']>;
  /** open message-websocket connections */
  readonly sockets: number;
  close(): Promise<void>;
}

const API = '/api/v1';

/** Endpoints of api_v1.py that change the bot; reachable here, never by the proxy. */
const WRITE_ROUTES = new Set([
  `POST ${API}/forceenter`,
  `POST ${API}/forcebuy`,
  `POST ${API}/forceexit`,
  `POST ${API}/forcesell`,
  `POST ${API}/start`,
  `POST ${API}/stop`,
  `POST ${API}/stopentry`,
  `POST ${API}/stopbuy`,
  `POST ${API}/reload_config`,
  `POST ${API}/blacklist`,
  `DELETE ${API}/blacklist`,
  `POST ${API}/locks`,
  `POST ${API}/locks/delete`,
]);

export async function startFreqtradeSimulator(options: FreqtradeSimulatorOptions = {}): Promise<FreqtradeSimulator> {
  const now = options.now ?? Date.now;
  const username = options.username ?? 'freqtrader';
  const password = options.password ?? `sim-pass-${randomBytes(6).toString('hex')}`;
  const accessTtl = options.accessTtlSeconds ?? 15 * 60;
  const refreshTtl = options.refreshTtlSeconds ?? 30 * 86_400;
  let jwtSecret = randomBytes(24).toString('hex');
  const faults = new Set<FreqtradeFault>();
  const received: ReceivedRequest[] = [];
  const issuedTokens: string[] = [];
  const sockets = new Set<Socket>();

  const bot = new SimulatedBot(
    {
      seed: options.seed ?? 7,
      botName: options.botName ?? 'freqtrade-sim',
      strategy: options.strategy ?? 'SampleStrategy',
      exchange: options.exchange ?? 'binance',
      stakeCurrency: options.stakeCurrency ?? 'USDT',
      stakeAmount: options.stakeAmount ?? 100,
      startingCapital: options.startingCapital ?? 1_000,
      maxOpenTrades: options.maxOpenTrades ?? 5,
      dryRun: options.dryRun ?? true,
      timeframe: options.timeframe ?? '5m',
      pairs: options.pairs ?? ['BTC/USDT', 'ETH/USDT', 'SOL/USDT', 'XRP/USDT', 'ADA/USDT', 'DOGE/USDT', 'LTC/USDT', 'DOT/USDT'],
      closedTrades: options.closedTrades ?? 40,
      openTrades: options.openTrades ?? 3,
      historyDays: options.historyDays ?? 10,
    },
    now
  );
  if (options.state) setState(options.state);

  function setState(state: BotState): void {
    // a stopped bot's worker no longer runs process(), so last_process stops moving
    if (state !== 'running' && bot.state === 'running' && !faults.has('stale-heartbeat')) bot.frozenHeartbeat = now();
    if (state === 'running' && !faults.has('stale-heartbeat')) bot.frozenHeartbeat = null;
    bot.state = state;
  }

  function sign(type: 'access' | 'refresh'): string {
    const iat = Math.floor(now() / 1000);
    const header = b64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
    const payload = b64url(
      JSON.stringify({ identity: { u: username }, exp: iat + (type === 'access' ? accessTtl : refreshTtl), iat, type })
    );
    const signature = createHmac('sha256', jwtSecret).update(`${header}.${payload}`).digest('base64url');
    const token = `${header}.${payload}.${signature}`;
    issuedTokens.push(token);
    return token;
  }

  /**
   * get_user_from_token: signature, exp (PyJWT: expired when exp <= now), iat (PyJWT refuses a
   * token issued in its future: pyjwt@2.15.1 jwt/api_jwt.py:482, verify_iat on by default at :57,
   * so a bot whose clock stepped back refuses the tokens it issued before the step) and token type.
   */
  function verify(token: string, type: 'access' | 'refresh'): boolean {
    const [header, payload, signature] = token.split('.');
    if (!header || !payload || !signature) return false;
    const expected = createHmac('sha256', jwtSecret).update(`${header}.${payload}`).digest('base64url');
    if (!safeEqual(expected, signature)) return false;
    try {
      const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as {
        exp?: number;
        iat?: number;
        type?: string;
        identity?: { u?: string };
      };
      if (typeof claims.exp !== 'number' || claims.exp <= now() / 1000) return false;
      if (typeof claims.iat === 'number' && claims.iat > now() / 1000) return false;
      return claims.type === type && typeof claims.identity?.u === 'string';
    } catch {
      return false;
    }
  }

  function basicOk(header: string): boolean {
    const decoded = Buffer.from(header.slice('Basic '.length), 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    return colon >= 0 && safeEqual(decoded.slice(0, colon), username) && safeEqual(decoded.slice(colon + 1), password);
  }

  function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
    const text = JSON.stringify(body);
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
    res.end(text);
  }

  const rpcError = (res: ServerResponse, path: string, message: string) =>
    send(res, 502, { error: `Error querying ${path}: ${message}` });

  function intParam(res: ServerResponse, params: URLSearchParams, name: string, fallback: number): number | null {
    const raw = params.get(name);
    if (raw === null) return fallback;
    if (!/^-?\d+$/.test(raw.trim())) {
      send(res, 422, {
        detail: [
          { type: 'int_parsing', loc: ['query', name], msg: 'Input should be a valid integer, unable to parse string as an integer', input: raw },
        ],
      });
      return null;
    }
    return Number(raw);
  }

  function route(req: IncomingMessage, res: ServerResponse, url: URL, body: string): void {
    const method = req.method ?? 'GET';
    const path = url.pathname;
    const authorization = req.headers.authorization ?? '';

    if (options.control && path.startsWith('/_sim/') && method === 'POST') {
      const input = (body ? JSON.parse(body) : {}) as { fault?: FreqtradeFault; active?: boolean; state?: BotState };
      if (path === '/_sim/fault' && input.fault) simulator.setFault(input.fault, input.active ?? true);
      else if (path === '/_sim/clear') simulator.clearFaults();
      else if (path === '/_sim/state' && input.state) setState(input.state);
      else if (path === '/_sim/step') step();
      else return send(res, 404, { detail: 'Not Found' });
      return send(res, 200, { ok: true, faults: [...faults], state: bot.state });
    }

    if (path === `${API}/ping`) return method === 'GET' ? send(res, 200, { status: 'pong' }) : send(res, 405, { detail: 'Method Not Allowed' });

    // api_auth.py:124 AccessAndRefreshToken, :151 AccessToken (freqtrade 2026.9)
    if (path === `${API}/token/login`) {
      if (method !== 'POST') return send(res, 405, { detail: 'Method Not Allowed' });
      if (!authorization.startsWith('Basic ')) return send(res, 401, { detail: 'Not authenticated' }, { 'www-authenticate': 'Basic' });
      if (!basicOk(authorization)) return send(res, 401, { detail: 'Incorrect username or password' });
      return send(res, 200, { access_token: sign('access'), refresh_token: sign('refresh') });
    }
    if (path === `${API}/token/refresh`) {
      if (method !== 'POST') return send(res, 405, { detail: 'Method Not Allowed' });
      const token = authorization.startsWith('Bearer ') ? authorization.slice(7) : '';
      if (!verify(token, 'refresh')) {
        return send(res, 401, { detail: 'Could not validate credentials' }, { 'www-authenticate': 'Bearer' });
      }
      return send(res, 200, { access_token: sign('access') });
    }

    // http_basic_or_jwt_token guards every other route of the private router
    if (authorization.startsWith('Bearer ')) {
      if (!verify(authorization.slice(7), 'access')) {
        return send(res, 401, { detail: 'Could not validate credentials' }, { 'www-authenticate': 'Bearer' });
      }
    } else if (!(authorization.startsWith('Basic ') && basicOk(authorization))) {
      return send(res, 401, { detail: 'Unauthorized' });
    }

    const key = `${method} ${path}`;
    if (WRITE_ROUTES.has(key)) return send(res, 200, { status: `simulated ${path.slice(API.length + 1)}` });
    if (method !== 'GET') return send(res, knownGet(path) ? 405 : 404, { detail: knownGet(path) ? 'Method Not Allowed' : 'Not Found' });

    if (faults.has('hang')) return; // the socket stays open until the client gives up
    const params = url.searchParams;
    if (faults.has('malformed') && path === `${API}/profit`) {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(bot.profit()).slice(0, 40));
      return;
    }
    switch (path) {
      case `${API}/version`:
        return send(res, 200, { version: FREQTRADE_VERSION });
      case `${API}/show_config`:
        return send(res, 200, bot.showConfig());
      case `${API}/status`:
        // 2026.9 lists open trades in every state (rpc.py:199-211 checks none; an empty list is
        // RPCException "no active trade", which the route turns into []: api_trading.py:157-162)
        return send(res, 200, bot.status());
      case `${API}/count`:
        // only a stopped trader refuses (rpc.py:1397-1398); paused still counts its open trades
        if (bot.state === 'stopped') return rpcError(res, path, 'trader is not running');
        return send(res, 200, bot.count());
      case `${API}/profit`:
        return send(res, 200, bot.profit());
      case `${API}/balance`:
        if (faults.has('exchange-error')) {
          bot.log('ERROR', 'freqtrade.rpc.rpc', 'Error getting current tickers.');
          return rpcError(res, path, 'Error getting current tickers.');
        }
        return send(res, 200, bot.balance());
      case `${API}/daily`: {
        const timescale = intParam(res, params, 'timescale', 7);
        if (timescale === null) return;
        if (timescale <= 0) return rpcError(res, path, 'timescale must be an integer greater than 0');
        return send(res, 200, bot.daily(timescale));
      }
      case `${API}/performance`:
        return send(res, 200, bot.performance());
      case `${API}/trades`: {
        const limit = intParam(res, params, 'limit', 500);
        const offset = intParam(res, params, 'offset', 0);
        if (limit === null || offset === null) return;
        return send(res, 200, bot.tradesPage(limit, offset));
      }
      case `${API}/health`:
        return send(res, 200, bot.health());
      case `${API}/locks`:
        return send(res, 200, bot.locks());
      case `${API}/whitelist`:
        return send(res, 200, bot.whitelist());
      // api_trading.py:103 GET /stats -> rpc._rpc_stats(); api_v1.py:113 GET /logs?limit -> RPC._rpc_get_logs(limit)
      case `${API}/stats`:
        return send(res, 200, bot.stats());
      case `${API}/logs`: {
        const limit = params.has('limit') ? intParam(res, params, 'limit', 0) : 0;
        if (limit === null) return;
        return send(res, 200, bot.logs(limit || null));
      }
      default:
        return send(res, 404, { detail: 'Not Found' });
    }
  }

  /** message-websocket channels and their subscriptions (RPCMessageType values) */
  const channels = new Map<Socket, Set<string>>();

  function fillMessage(type: 'entry_fill' | 'exit_fill', trade: SimTrade): Record<string, unknown> {
    const [base = '', quote = ''] = trade.pair.split('/');
    const common = {
      type,
      trade_id: trade.id,
      buy_tag: trade.enterTag,
      enter_tag: trade.enterTag,
      exchange: bot.options.exchange,
      pair: trade.pair,
      base_currency: base,
      quote_currency: quote,
      leverage: 1,
      direction: 'Long',
      limit: type === 'entry_fill' ? trade.openRate : trade.closeRate,
      open_rate: trade.openRate,
      order_type: 'limit',
      stake_amount: trade.stake,
      stake_currency: bot.options.stakeCurrency,
      fiat_currency: 'USD',
      amount: trade.amount,
      open_date: printDate(trade.openMs),
      current_rate: type === 'entry_fill' ? trade.openRate : trade.closeRate,
      sub_trade: false,
    };
    if (type === 'entry_fill') return common;
    const ratio = (trade.closeRate as number) / trade.openRate - 1;
    return {
      ...common,
      close_rate: trade.closeRate,
      profit_amount: trade.stake * ratio,
      profit_ratio: ratio,
      gain: ratio >= 0 ? 'profit' : 'loss',
      exit_reason: trade.exitReason,
      close_date: printDate(trade.closeMs as number),
      order_rate: trade.closeRate,
      final_profit_ratio: ratio,
      is_final_exit: true,
      cumulative_profit: trade.stake * ratio,
    };
  }

  function publish(message: Record<string, unknown>): void {
    const frame = encodeFrame(OPCODE.text, Buffer.from(JSON.stringify(message)), false);
    for (const [socket, topics] of channels) if (topics.has(String(message.type))) socket.write(frame);
  }

  function step(): ReturnType<SimulatedBot['step']> {
    const result = bot.step();
    if (result.closed) publish(fillMessage('exit_fill', result.closed));
    if (result.opened) publish(fillMessage('entry_fill', result.opened));
    return result;
  }

  const RPC_MESSAGE_TYPES = new Set([
    'status', 'warning', 'exception', 'startup', 'entry', 'entry_fill', 'entry_cancel', 'exit', 'exit_fill',
    'exit_cancel', 'protection_trigger', 'protection_trigger_global', 'strategy_msg', 'whitelist', 'analyzed_df', 'new_candle',
  ]);

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const auth = req.headers.authorization ?? '';
    if (!url.pathname.startsWith('/_sim/')) {
      received.push({
        method: req.method ?? 'GET',
        path: url.pathname,
        search: url.search,
        auth: auth.startsWith('Bearer ') ? 'bearer' : auth.startsWith('Basic ') ? 'basic' : 'none',
      });
    }
    if (faults.has('down') && !url.pathname.startsWith('/_sim/')) {
      req.socket.destroy();
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= 64 * 1024) chunks.push(chunk);
    });
    req.on('end', () => {
      try {
        route(req, res, url, Buffer.concat(chunks).toString('utf8'));
      } catch (error) {
        send(res, 500, { detail: `Internal Server Error: ${error instanceof Error ? error.message : String(error)}` });
      }
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  // validate_ws_token: ws_token or a JWT access token in ?token=; a refused socket is closed
  // before accept, which uvicorn answers with HTTP 403
  server.on('upgrade', (req, socket: Socket, head: Buffer) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const token = url.searchParams.get('token') ?? '';
    received.push({ method: 'GET', path: url.pathname, search: token ? '?token=[token]' : '', auth: 'none' });
    const key = req.headers['sec-websocket-key'];
    if (faults.has('down')) return void socket.destroy();
    if (url.pathname !== `${API}/message/ws` || typeof key !== 'string') {
      return void socket.end('HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\n\r\n');
    }
    const valid = (options.wsToken !== undefined && safeEqual(token, options.wsToken)) || verify(token, 'access');
    if (!valid) return void socket.end('HTTP/1.1 403 Forbidden\r\ncontent-length: 0\r\n\r\n');
    socket.write(
      `HTTP/1.1 101 Switching Protocols\r\nupgrade: websocket\r\nconnection: Upgrade\r\nsec-websocket-accept: ${acceptKey(key)}\r\n\r\n`
    );
    const topics = new Set<string>();
    channels.set(socket, topics);
    const parser = new FrameParser(64 * 1024);
    const onData = (chunk: Buffer) => {
      let frames;
      try {
        frames = parser.push(chunk);
      } catch {
        return void socket.destroy();
      }
      for (const frame of frames) {
        if (frame.opcode === OPCODE.close) {
          socket.end(encodeFrame(OPCODE.close, frame.payload.subarray(0, 2), false));
          return;
        }
        if (frame.opcode === OPCODE.ping) socket.write(encodeFrame(OPCODE.pong, frame.payload, false));
        if (frame.opcode !== OPCODE.text) continue;
        try {
          const request = JSON.parse(frame.payload.toString('utf8')) as { type?: string; data?: unknown };
          // _process_consumer_request: subscriptions are set only when every topic is valid; no answer
          if (request.type === 'subscribe' && Array.isArray(request.data) && request.data.length > 0) {
            if (request.data.every((t) => typeof t === 'string' && RPC_MESSAGE_TYPES.has(t))) {
              topics.clear();
              for (const t of request.data as string[]) topics.add(t);
            }
          } else if (request.type === 'whitelist') {
            socket.write(encodeFrame(OPCODE.text, Buffer.from(JSON.stringify({ type: 'whitelist', data: bot.whitelist().whitelist })), false));
          }
        } catch {
          // invalid requests are logged and ignored by the bot
        }
      }
    };
    socket.on('data', onData);
    socket.on('close', () => channels.delete(socket));
    socket.on('error', () => channels.delete(socket));
    if (head.length > 0) onData(head);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const timer = options.autoStepMs ? setInterval(() => step(), options.autoStepMs) : undefined;
  timer?.unref();

  const simulator: FreqtradeSimulator = {
    url: `http://${options.host ?? '127.0.0.1'}:${port}`,
    port,
    username,
    password,
    bot,
    received,
    issuedTokens,
    count: (path, method) =>
      received.filter((r) => (r.path === path || r.path === `${API}/${path}`) && (!method || r.method === method)).length,
    setFault(fault, active = true) {
      if (active) faults.add(fault);
      else faults.delete(fault);
      if (fault === 'reject-tokens' && active) jwtSecret = randomBytes(24).toString('hex');
      if (fault === 'stale-heartbeat') bot.frozenHeartbeat = active ? now() - 15 * 60_000 : bot.state === 'running' ? null : now();
      if (fault === 'reject-tokens') faults.delete('reject-tokens'); // one-shot: the secret stays rotated
      if (fault === 'down' && active) for (const socket of channels.keys()) socket.destroy();
    },
    clearFaults() {
      for (const fault of [...faults]) simulator.setFault(fault, false);
      if (bot.state === 'running') bot.frozenHeartbeat = null;
    },
    setState,
    step,
    get sockets() {
      return channels.size;
    },
    close: async () => {
      if (timer) clearInterval(timer);
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  return simulator;
}

function knownGet(path: string): boolean {
  return ['show_config', 'status', 'count', 'profit', 'balance', 'daily', 'performance', 'trades', 'health', 'locks', 'whitelist', 'version', 'blacklist']
    .some((name) => path === `${API}/${name}`);
}

function b64url(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64url');
}

function safeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}
