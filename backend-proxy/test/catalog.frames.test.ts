// The frame names the catalog declares are the ones the sources answer with: every query of every
// kind in the simulated stack is asked through /api/query, and each answer's frames must carry
// names the catalog lists for that query (panels and the datasource find frames by these names).
import { join } from 'node:path';
import { frameNames, QUERIES_BY_KIND, type SourceKind } from '@nodescope/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { parseConfig } from '../src/config/load.js';
import { startServer } from '../src/http/server.js';
import { startSimulatedStack, type SimulatedStack } from '../src/simulators/stack.js';
import { LogCapture, tempDir, waitFor } from './helpers.js';

const API_KEY = 'frames-api-key-3f9c2d71';
/** Params a query needs to answer at all (the rest take their defaults). */
const NEEDED: Record<string, Record<string, unknown>> = { roi: { purchasePrice: 1_000, hashrateTh: 100, powerWatts: 3_250 } };

let stack: SimulatedStack;
let proxy: Awaited<ReturnType<typeof startServer>>;
let remove: () => Promise<void>;

const call = async (path: string, body?: unknown) => {
  const res = await fetch(`${proxy.url}${path}`, {
    method: body ? 'POST' : 'GET',
    headers: { authorization: `Bearer ${API_KEY}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  return (await res.json()) as Record<string, unknown>;
};

beforeAll(async () => {
  const dir = await tempDir();
  remove = dir.remove;
  stack = await startSimulatedStack({ dir: dir.path, profile: 'test' });
  const config = parseConfig(
    stringify({ server: { port: 0, apiKey: API_KEY, historyFile: join(dir.path, 'history.json') }, sources: stack.sources }),
    'frames.yaml',
    stack.env
  );
  proxy = await startServer(config, { port: 0, logDestination: new LogCapture() });
}, 60_000);

afterAll(async () => {
  await proxy?.close();
  await stack?.close();
  await remove?.();
});

describe('frame names', () => {
  it('every query of every kind answers with frames the catalog names', async () => {
    const sources = stack.sources as Array<{ id: string; kind: SourceKind }>;
    const answered = new Set<string>();
    const found: string[] = [];
    // sources answer once their first polls are in; each query is asked until it answers
    await waitFor(
      async () => {
        for (const { id, kind } of sources) {
          const miners = (await call(`/api/variables?name=miners&sourceId=${id}`)) as { values?: Array<{ value: string }> };
          const miner = miners.values?.[0]?.value;
          for (const query of QUERIES_BY_KIND[kind]) {
            const key = `${kind} ${query}`;
            if (answered.has(key)) continue;
            const params = { ...(NEEDED[query] ?? {}), ...(query.startsWith('miner.') && miner ? { miner } : {}) };
            const body = (await call('/api/query', { queries: [{ refId: 'A', sourceId: id, query, params }] })) as {
              results: { A: { status: number; frames: Array<{ schema: { name?: string } }> } };
            };
            const result = body.results.A;
            if (result.status !== 200) continue;
            answered.add(key);
            for (const frame of result.frames) {
              if (!frameNames(kind, query).includes(frame.schema.name ?? '')) found.push(`${key}: ${String(frame.schema.name)}`);
            }
          }
        }
        return sources.every(({ kind }) => QUERIES_BY_KIND[kind].every((query) => answered.has(`${kind} ${query}`)));
      },
      'every query answered',
      30_000,
      500
    );
    expect(found).toEqual([]);
  }, 60_000);
});
