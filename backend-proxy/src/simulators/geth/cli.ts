#!/usr/bin/env node
// Starts the geth JSON-RPC + metrics simulator for the demo, prints one JSON line with its URLs,
// and serves a control API: GET /state, POST /fault {fault, target?, delayMs?, behind?},
// POST /mine?count=.
import { exitOnSignal, stringFlags } from '../cli.js';
import { faultRoute, intParam, startControlServer } from '../control.js';
import { startGethSimulator, type GethFault, type GethTarget } from './index.js';

const USAGE = `geth simulator (HTTP JSON-RPC + /debug/metrics/prometheus)

  --rpc-port N  --metrics-port N  --control-port N   (0 = any)
  --namespaces eth,net,web3,txpool   (geth's --http.api; default stock geth's eth,net,web3; add admin to serve admin_peers)
  --block-interval-ms N              mine a block every N ms (default 12000; 0 = only via control API)
`;

const FAULTS: GethFault[] = ['none', 'down', 'slow', 'stalled', 'malformed', 'zero-peers', 'syncing', 'indexing'];

async function main(): Promise<void> {
  const flags = stringFlags(['rpc-port', 'metrics-port', 'control-port', 'namespaces', 'block-interval-ms'], USAGE);
  if (!flags) return;
  const { values, params: args } = flags;
  const sim = await startGethSimulator({
    namespaces: values.namespaces?.split(',').map((n) => n.trim()).filter(Boolean),
    ports: { rpc: intParam(args, 'rpc-port', 0, 65_535), metrics: intParam(args, 'metrics-port', 0, 65_535) },
  });
  const control = await startControlServer(
    {
      get: {
        state: () => ({ ...sim.state, baseFeeWei: String(sim.state.baseFeeWei), gasPriceWei: String(sim.state.gasPriceWei), rpcUrl: sim.rpcUrl, metricsUrl: sim.metricsUrl }),
      },
      post: {
        fault: faultRoute(FAULTS, (fault, target, body) =>
          sim.setFault(fault, { target: target as GethTarget | 'all', delayMs: Number(body.delayMs ?? 2_000), behind: Number(body.behind ?? 5_000) })
        ),
        mine: async (q) => {
          sim.advance(intParam(q, 'count', 1));
          return { head: sim.state.headNumber };
        },
      },
    },
    intParam(args, 'control-port', 0, 65_535)
  );
  const interval = intParam(args, 'block-interval-ms', 12_000, 3_600_000);
  const timer = interval > 0 ? setInterval(() => sim.advance(1), interval) : undefined;
  process.stdout.write(`${JSON.stringify({ rpcUrl: sim.rpcUrl, metricsUrl: sim.metricsUrl, control: control.url() })}\n`);
  exitOnSignal(() => {
    if (timer) clearInterval(timer);
    return Promise.all([sim.close(), control.close()]);
  });
}

if (process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href) void main();
