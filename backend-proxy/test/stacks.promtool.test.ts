// The /metrics text the stacks and geth sources produce (mirrored upstream families + their own
// series) parsed by Prometheus's own parser: Debian's promtool `check metrics`. Exit code 1 means
// a parse error; 3 means lint findings only (upstream names such as geth's summaries without
// _sum, or stacks-signer counters without _total, which we re-expose as read on purpose).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { gethConfigSchema } from '../src/sources/geth/config.js';
import { createGethSource } from '../src/sources/geth/index.js';
import { stacksConfigSchema } from '../src/sources/stacks/config.js';
import { createStacksSource } from '../src/sources/stacks/index.js';
import { startGethSimulator } from '../src/simulators/geth/index.js';
import { startStacksSimulator } from '../src/simulators/stacks/index.js';
import { createTestContext } from './helpers.js';

const PROMTOOL = '/usr/bin/promtool';
const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

describe.skipIf(!existsSync(PROMTOOL))('promtool check metrics', () => {
  it('parses what two stacks sources and a geth source expose', async () => {
    const ctx = createTestContext();
    for (const id of ['stx-1', 'stx-2']) {
      const sim = await startStacksSimulator();
      closers.push(sim.close);
      const source = createStacksSource(
        stacksConfigSchema.parse({ id, kind: 'stacks', rpcUrl: sim.rpcUrl, metricsUrl: sim.metricsUrl, signer: { metricsUrl: sim.signerMetricsUrl } }),
        ctx
      );
      closers.push(() => source.stop());
      await source.refresh();
    }
    const geth = await startGethSimulator();
    closers.push(geth.close);
    const source = createGethSource(gethConfigSchema.parse({ id: 'geth-1', kind: 'geth', rpcUrl: geth.rpcUrl, metricsUrl: geth.metricsUrl }), ctx);
    closers.push(() => source.stop());
    await source.refresh();

    const text = await ctx.metrics.registry.metrics();
    expect(text).toContain('stacks_node_stacks_tip_height{source="stx-2"}');
    expect(text).toContain('geth_chain_head_block{source="geth-1"}');
    const result = spawnSync(PROMTOOL, ['check', 'metrics'], { input: text, encoding: 'utf8', timeout: 20_000 });
    const output = `${result.stdout}${result.stderr}`;
    expect(output).not.toMatch(/error while linting|parse error/i);
    expect([0, 3]).toContain(result.status);
    // lint findings, if any, are about upstream names we re-expose as read, never our own series
    for (const line of output.split('\n').filter(Boolean)) expect(line).not.toMatch(/^(stacks_info_|stacks_log_|stacks_burn_|geth_rpc_)/);
  });
});
