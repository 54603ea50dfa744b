// A simulator reads a request body the way a daemon does: up to a bound. Past it the rest is read
// and dropped (so the client still gets its answer, as bitcoind's 413), and memory stays bounded
// whatever a client sends.
import type { IncomingMessage } from 'node:http';

/** The body as UTF-8 text, or null when more than `maxBytes` arrived. */
export function readRequestBody(req: IncomingMessage, maxBytes: number): Promise<string | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= maxBytes) chunks.push(chunk);
    });
    req.on('end', () => resolve(size > maxBytes ? null : Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
