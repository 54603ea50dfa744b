// `npm run serve -w e2e -- --proxy http://127.0.0.1:8787 --api-key KEY --port 3300`
import { parseArgs } from 'node:util';
import { startHarnessServer } from './server.ts';

const { values } = parseArgs({
  options: { proxy: { type: 'string', default: 'http://127.0.0.1:8787' }, 'api-key': { type: 'string' }, port: { type: 'string', default: '3300' }, host: { type: 'string', default: '127.0.0.1' } },
});
const server = await startHarnessServer({
  proxyUrl: values.proxy!,
  apiKey: values['api-key'] ?? process.env.NODESCOPE_API_KEY,
  port: Number(values.port),
  host: values.host!,
});
console.log(`harness on ${server.url}/ (scenario list)`);
