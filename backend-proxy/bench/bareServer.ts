// The ceiling a Node server reaches on this machine: a bare fastify route (default options, JSON
// body parsed as fastify does by default) answering POST /api/query with fixed bytes, those the
// proxy sent for the cached query. Run as its own process by the query bench; prints its URL.
import Fastify from 'fastify';

const [bodyBase64, contentType] = process.argv.slice(2);
const body = Buffer.from(bodyBase64 ?? '', 'base64').toString('utf8'); // a string, as the proxy sends
const app = Fastify({ logger: false });
app.post('/api/query', async (_request, reply) =>
  reply.type(contentType ?? 'application/json; charset=utf-8').send(body)
);
const url = await app.listen({ host: '127.0.0.1', port: 0 });
console.log(`listening on ${url}`);
process.on('SIGTERM', () => void app.close().then(() => process.exit(0)));
