// Starts the price/difficulty API simulator for the demo or by hand and prints its URL, plus a
// control API on 127.0.0.1 (kept off the simulated APIs' own paths):
//   node dist/src/simulators/market/cli.js [--port 0] [--price 97000] [--control-port 0]
//   POST /fault {"api":"coingecko","fault":"ratelimit"}   faults: ok error500 ratelimit malformed slow down
//   POST /state {"priceUsd":90000,"difficulty":1.1e14}
//   GET  /requests
import { createServer } from 'node:http';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { MARKET_APIS, startMarketSimulator, type MarketApi, type MarketFault, type MarketSimulator } from './index.js';

const FAULTS: MarketFault[] = ['ok', 'error500', 'ratelimit', 'malformed', 'slow', 'down'];

export async function startMarketControl(sim: MarketSimulator, port = 0): Promise<{ url: string; close(): Promise<void> }> {
  const server = createServer((req, res) => {
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (req.method === 'GET' && req.url === '/requests') return send(200, sim.requests);
    if (req.method !== 'POST' || (req.url !== '/fault' && req.url !== '/state')) return send(404, { error: 'POST /fault, POST /state, GET /requests' });
    let body = '';
    req.on('data', (chunk: Buffer) => {
      body += chunk.toString();
      if (body.length > 10_000) req.destroy();
    });
    req.on('end', () => {
      try {
        const parsed = JSON.parse(body) as Record<string, unknown>;
        if (req.url === '/fault') {
          const api = parsed.api as MarketApi;
          const fault = parsed.fault as MarketFault;
          if (!MARKET_APIS.includes(api) || !FAULTS.includes(fault)) return send(400, { error: `api: ${MARKET_APIS.join('|')}, fault: ${FAULTS.join('|')}` });
          sim.setFault(api, fault);
        } else {
          for (const key of ['priceUsd', 'difficulty', 'height', 'feesPerBlockSats', 'difficultyChangePercent'] as const) {
            const value = parsed[key];
            if (typeof value === 'number' && Number.isFinite(value)) sim.state[key] = value;
          }
        }
        send(200, { ok: true });
      } catch {
        send(400, { error: 'body must be JSON' });
      }
    });
  });
  await new Promise<void>((resolve) => server.listen({ host: '127.0.0.1', port }, resolve));
  return { url: `http://127.0.0.1:${(server.address() as { port: number }).port}`, close: () => new Promise((r) => server.close(() => r())) };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { port: { type: 'string', default: '0' }, price: { type: 'string' }, 'control-port': { type: 'string', default: '0' } },
  });
  const sim = await startMarketSimulator({ port: Number(values.port), ...(values.price ? { state: { priceUsd: Number(values.price) } } : {}) });
  const control = await startMarketControl(sim, Number(values['control-port']));
  console.log(JSON.stringify({ url: sim.url, control: control.url }));
  const stop = () => void Promise.all([sim.close(), control.close()]).then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) void main();
