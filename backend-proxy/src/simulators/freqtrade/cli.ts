// Starts one simulated Freqtrade bot for the demo:
//   node dist/src/simulators/freqtrade/cli.js --port 8080 --seed 1 --name bot-1 [--password ...]
// Prints one line: `freqtrade simulator listening on URL` (the password comes from
// --password or FT_SIM_PASSWORD, never printed). Control: POST /_sim/fault {fault, active},
// /_sim/state {state}, /_sim/step, /_sim/clear.
import { parseArgs } from 'node:util';
import { exitOnSignal } from '../cli.js';
import { startFreqtradeSimulator } from './index.js';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '8080' },
    host: { type: 'string', default: '127.0.0.1' },
    seed: { type: 'string', default: '1' },
    name: { type: 'string', default: 'freqtrade-sim' },
    strategy: { type: 'string', default: 'SampleStrategy' },
    username: { type: 'string', default: 'freqtrader' },
    password: { type: 'string' },
    'step-seconds': { type: 'string', default: '20' },
    live: { type: 'boolean', default: false },
  },
});

const password = values.password ?? process.env.FT_SIM_PASSWORD;
if (!password || password.length < 8) {
  console.error('freqtrade simulator: give --password or FT_SIM_PASSWORD (at least 8 characters)');
  process.exit(2);
}
const simulator = await startFreqtradeSimulator({
  port: Number(values.port),
  host: values.host,
  seed: Number(values.seed),
  botName: values.name,
  strategy: values.strategy,
  username: values.username,
  password,
  dryRun: !values.live,
  control: true,
  autoStepMs: Number(values['step-seconds']) * 1000,
});
console.log(`freqtrade simulator listening on ${simulator.url}`);
exitOnSignal(() => simulator.close());
