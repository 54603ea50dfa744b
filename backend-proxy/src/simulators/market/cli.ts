// Starts the price/difficulty API simulator for the demo or by hand and prints its URL, plus a
// control API on 127.0.0.1 (kept off the simulated APIs' own paths):
//   node dist/src/simulators/market/cli.js [--port 0] [--price 97000] [--control-port 0]
//   POST /fault {"api":"coingecko","fault":"ratelimit"}   faults: ok error500 ratelimit malformed slow down
//   POST /state {"priceUsd":90000,"difficulty":1.1e14}
//   GET  /requests
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { exitOnSignal } from '../cli.js';
import { ControlError, startControlServer } from '../control.js';
import { MARKET_APIS, startMarketSimulator, type MarketApi, type MarketFault, type MarketSimulator } from './index.js';

const FAULTS: MarketFault[] = ['ok', 'error500', 'ratelimit', 'malformed', 'slow', 'down'];

export async function startMarketControl(sim: MarketSimulator, port = 0): Promise<{ url: string; close(): Promise<void> }> {
  const server = await startControlServer(
    {
      get: { requests: () => sim.requests },
      post: {
        fault: (_query, body) => {
          const api = body.api as MarketApi;
          const fault = body.fault as MarketFault;
          if (!MARKET_APIS.includes(api) || !FAULTS.includes(fault)) throw new ControlError(`api: ${MARKET_APIS.join('|')}, fault: ${FAULTS.join('|')}`);
          sim.setFault(api, fault);
          return { ok: true };
        },
        state: (_query, body) => {
          for (const key of ['priceUsd', 'difficulty', 'height', 'feesPerBlockSats', 'difficultyChangePercent'] as const) {
            const value = body[key];
            if (typeof value === 'number' && Number.isFinite(value)) sim.state[key] = value;
          }
          return { ok: true };
        },
      },
    },
    port
  );
  return { url: server.url(), close: () => server.close() };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { port: { type: 'string', default: '0' }, price: { type: 'string' }, 'control-port': { type: 'string', default: '0' } },
  });
  const sim = await startMarketSimulator({ port: Number(values.port), ...(values.price ? { state: { priceUsd: Number(values.price) } } : {}) });
  const control = await startMarketControl(sim, Number(values['control-port']));
  console.log(JSON.stringify({ url: sim.url, control: control.url }));
  exitOnSignal(() => Promise.all([sim.close(), control.close()]));
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) void main();
