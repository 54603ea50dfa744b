#!/usr/bin/env node
// Starts the Stacks node + signer + log simulator for the demo, prints one JSON line with its
// URLs, and serves a control API: GET /state, POST /fault {fault, target?, delayMs?, lag?},
// POST /advance?stacks=&burn=&tenure=1, POST /log?count=, POST /rotate, POST /truncate,
// POST /signer-fault {fault} (not-registered, rejecting, conflicts, …), POST /signer-log?count=.
import { SIGNER_FAULTS, startStacksSimulator, type SignerFault, type StacksFault, type StacksLogFormatSetting, type StacksTarget } from './index.js';
import { exitOnSignal, stringFlags } from '../cli.js';
import { faultRoute, intParam, startControlServer } from '../control.js';

const USAGE = `stacks node/signer simulator

  --rpc-port N  --metrics-port N  --signer-port N  --control-port N   (0 = any)
  --log-file PATH           file the simulated node logs to (created if missing)
  --block-interval-ms N     advance the Stacks tip every N ms (0 = only via control API)
  --burn-every N            one Bitcoin block every N Stacks blocks (default 10)
  --log-lines-per-block N   log lines written per Stacks block (default 3)
  --log-format F            text (default), json (STACKS_LOG_JSON=1), pretty or pretty-tty (STACKS_LOG_PP=1)
  --signer-log-file PATH    file the simulated signer logs to (its lines follow the blocks)
`;

const LOG_FORMATS: StacksLogFormatSetting[] = ['text', 'json', 'pretty', 'pretty-tty'];
const FAULTS: StacksFault[] = ['none', 'down', 'slow', 'stalled', 'zero-peers', 'burn-behind', 'malformed', 'no-health'];

async function main(): Promise<void> {
  const flags = stringFlags(
    [
      'rpc-port', 'metrics-port', 'signer-port', 'control-port', 'log-file', 'block-interval-ms',
      'burn-every', 'log-lines-per-block', 'log-format', 'signer-log-file',
    ],
    USAGE
  );
  if (!flags) return;
  const { values, params: args } = flags;
  const logFile = values['log-file'];
  const logFormat = values['log-format'] ?? 'text';
  if (!(LOG_FORMATS as string[]).includes(logFormat)) throw new Error(`--log-format must be one of ${LOG_FORMATS.join(', ')}`);
  if (logFile) await import('node:fs/promises').then((fs) => fs.appendFile(logFile, ''));
  const signerLogFile = values['signer-log-file'];
  if (signerLogFile) await import('node:fs/promises').then((fs) => fs.appendFile(signerLogFile, ''));
  const sim = await startStacksSimulator({
    logFile,
    signerLogFile,
    logFormat: logFormat as StacksLogFormatSetting,
    ports: { rpc: intParam(args, 'rpc-port', 0, 65_535), metrics: intParam(args, 'metrics-port', 0, 65_535), signer: intParam(args, 'signer-port', 0, 65_535) },
  });
  const burnEvery = Math.max(1, intParam(args, 'burn-every', 10));
  const linesPerBlock = intParam(args, 'log-lines-per-block', 3);
  let blocks = 0;
  const step = async (stacks: number) => {
    for (let i = 0; i < stacks; i++) {
      blocks++;
      sim.advance({ stacks: 1, burn: blocks % burnEvery === 0 ? 1 : 0 });
      if (logFile && linesPerBlock > 0) await sim.appendLog(linesPerBlock);
      if (signerLogFile) await sim.appendSignerLog(3);
    }
  };
  const control = await startControlServer(
    {
      get: {
        state: () => ({ ...sim.state, rpcUrl: sim.rpcUrl, metricsUrl: sim.metricsUrl, signerMetricsUrl: sim.signerMetricsUrl, logFile: sim.logFile }),
      },
      post: {
        fault: faultRoute(FAULTS, (fault, target, body) =>
          sim.setFault(fault, { target: target as StacksTarget | 'all', delayMs: Number(body.delayMs ?? 2_000), lag: Number(body.lag ?? 6) })
        ),
        advance: async (q) => {
          sim.advance({ stacks: intParam(q, 'stacks', 1), burn: intParam(q, 'burn', 0), tenure: q.get('tenure') === '1' });
          return sim.state;
        },
        log: async (q) => ({ lines: await sim.appendLog(intParam(q, 'count', 1)) }),
        'signer-fault': async (_q, body) => {
          const fault = String(body.fault ?? 'none') as SignerFault;
          if (!SIGNER_FAULTS.includes(fault)) throw new Error(`fault must be one of ${SIGNER_FAULTS.join(', ')}`);
          sim.setSignerFault(fault);
          return { fault };
        },
        'signer-log': async (q) => {
          if (!signerLogFile) throw new Error('no --signer-log-file');
          return { lines: await sim.appendSignerLog(intParam(q, 'count', 1)) };
        },
        rotate: async () => sim.rotateLog(),
        truncate: async () => sim.truncateLog(),
      },
    },
    intParam(args, 'control-port', 0, 65_535)
  );
  const interval = intParam(args, 'block-interval-ms', 0, 3_600_000);
  const timer = interval > 0 ? setInterval(() => void step(1), interval) : undefined;
  process.stdout.write(
    `${JSON.stringify({ rpcUrl: sim.rpcUrl, metricsUrl: sim.metricsUrl, signerMetricsUrl: sim.signerMetricsUrl, logFile: sim.logFile ?? null, control: control.url() })}\n`
  );
  exitOnSignal(() => {
    if (timer) clearInterval(timer);
    return Promise.all([sim.close(), control.close()]);
  });
}

if (process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href) void main();
