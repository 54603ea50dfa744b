// The ceiling a Node server reaches on this machine: a bare fastify route (default options, JSON
// body parsed as fastify does by default) answering POST /api/query with fixed bytes, those the
// proxy sent for the cached query. Run as its own process by the query bench; prints its URL.
// With `node:http` as the third argument, the same answer from node:http alone (body read and
// JSON.parse'd, no framework): what is left below fastify, for the p99 sweep (BENCH_PIN=1).
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import Fastify from 'fastify';

const [bodyBase64, contentType = 'application/json; charset=utf-8', kind = 'fastify'] = process.argv.slice(2);
const body = Buffer.from(bodyBase64 ?? '', 'base64').toString('utf8'); // a string, as the proxy sends

let url: string;
let close: () => Promise<void>;
if (kind === 'node:http') {
  const server = createServer((request, response) => {
    let text = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => (text += chunk));
    request.on('end', () => {
      try {
        JSON.parse(text);
      } catch {
        response.writeHead(400).end();
        return;
      }
      response.writeHead(200, { 'content-type': contentType, 'content-length': Buffer.byteLength(body) }).end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  close = () =>
    new Promise((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
} else {
  const app = Fastify({ logger: false });
  app.post('/api/query', async (_request, reply) => reply.type(contentType).send(body));
  url = await app.listen({ host: '127.0.0.1', port: 0 });
  close = () => app.close();
}
console.log(`listening on ${url}`);
process.on('SIGTERM', () => void close().then(() => process.exit(0)));
