// `npm run serve -w e2e -- --proxy http://127.0.0.1:8787 --api-key KEY --port 3300`
// (the datasource's Go backend is built and started too: grafana-bridge on the real binary)
import { parseArgs } from 'node:util';
import { startBackendBridge } from './bridge.ts';
import { startHarnessServer } from './server.ts';

const { values } = parseArgs({
  options: { proxy: { type: 'string', default: 'http://127.0.0.1:8787' }, 'api-key': { type: 'string' }, port: { type: 'string', default: '3300' }, host: { type: 'string', default: '127.0.0.1' } },
});
const apiKey = values['api-key'] ?? process.env.NODESCOPE_API_KEY;
const backend = await startBackendBridge({ proxyUrl: values.proxy!, apiKey });
const server = await startHarnessServer({
  proxyUrl: values.proxy!,
  apiKey,
  port: Number(values.port),
  host: values.host!,
  backend,
});
console.log(`harness on ${server.url}/ (scenario list)`);
// Ctrl-C reaches the whole process group; a service manager, `kill` or the demo send SIGTERM to
// this process alone: either way the bridge (and the plugin it launched) stop with it
const stop = () => void backend.close().then(() => process.exit(0));
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
