// The shared vocabulary (plugins/shared/src/queries.ts) is what the query editor offers; every
// source kind must serve exactly that, so no editor choice leads to "has no query".
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ANNOTATION_TYPES, CATALOG, QUERIES_BY_KIND, SOURCE_KINDS, STREAMABLE_QUERIES, VARIABLES_BY_KIND } from '@nodescope/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { parseConfig } from '../src/config/load.js';
import { startSimulatedStack, type SimulatedStack } from '../src/simulators/stack.js';
import { MAX_RECENT_BLOCKS } from '../src/sources/bitcoin/model.js';
import { profitabilityConfigSchema } from '../src/sources/profitability/config.js';
import { createSource } from '../src/sources/registry.js';
import { NEIGHBOR_DIRECTIONS } from '../src/sources/stacks/model.js';
import type { Source } from '../src/sources/types.js';
import { createTestContext } from './helpers.js';

let stack: SimulatedStack;
let dir: string;
const byKind = new Map<string, Source>();

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'nodescope-catalog-'));
  stack = await startSimulatedStack({ dir, profile: 'test' });
  const config = parseConfig(stringify({ sources: stack.sources }), 'catalog.yaml', stack.env);
  const context = createTestContext();
  // built, never started: only the declared surface is compared
  for (const sourceConfig of config.sources) if (!byKind.has(sourceConfig.kind)) byKind.set(sourceConfig.kind, createSource(sourceConfig, context));
}, 30_000);

afterAll(async () => {
  await stack?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('every kind serves the shared catalog', () => {
  it('has a source of every kind in the simulated stack', () => {
    expect([...byKind.keys()].sort()).toEqual([...SOURCE_KINDS].sort());
  });

  it.each(SOURCE_KINDS)('%s: queries, annotation types, streams and variables match plugins/shared', (kind) => {
    const source = byKind.get(kind)!;
    expect(Object.keys(source.queries).sort()).toEqual([...QUERIES_BY_KIND[kind]].sort());
    expect(Object.keys(source.annotations ?? {}).sort()).toEqual([...ANNOTATION_TYPES[kind]].sort());
    expect(Object.keys(source.streams ?? {}).sort()).toEqual([...(STREAMABLE_QUERIES[kind] ?? [])].sort());
    expect(Object.keys(source.variables ?? {}).sort()).toEqual([...VARIABLES_BY_KIND[kind]].sort());
  });

  it("keeps the sources' own limits where the catalog states them", () => {
    expect(CATALOG.bitcoin['blocks.recent'].params.count.max).toBe(MAX_RECENT_BLOCKS);
    expect(CATALOG.stacks['node.neighbors'].params.direction.values).toEqual(NEIGHBOR_DIRECTIONS);
    expect(CATALOG.profitability['hashprice.forward'].params.blocks.max).toBe(profitabilityConfigSchema.shape.forwardBlocks.unwrap().maxValue);
  });
});
