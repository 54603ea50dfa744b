// A Stacks node often starts after the proxy: a log file missing at start must not leave the
// source degraded once the file appears.
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { startStacksSimulator } from '../src/simulators/stacks/index.js';
import { stacksConfigSchema } from '../src/sources/stacks/config.js';
import { createStacksSource } from '../src/sources/stacks/index.js';
import { createTestContext, tempDir, waitFor } from './helpers.js';

const closers: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

it('recovers the logs component when a log file missing at start appears', async () => {
  const dir = await tempDir();
  closers.push(dir.remove);
  const logFile = join(dir.path, 'stacks-node.log');
  const sim = await startStacksSimulator({ logFile });
  closers.push(() => sim.close());
  const source = createStacksSource(
    stacksConfigSchema.parse({ id: 'stx', kind: 'stacks', rpcUrl: sim.rpcUrl, logFile, logs: { pollMs: 50 } }),
    createTestContext()
  );
  closers.push(() => source.stop());
  await source.start();
  expect(source.health().components?.logs).toMatchObject({ status: expect.stringMatching(/down|degraded/) });
  expect(source.health().components?.logs?.message).toMatch(/ENOENT/);

  await sim.appendLog(3);
  await waitFor(() => source.health().components?.logs?.status === 'ok', 'the logs component to recover');
  expect(source.health().status).toBe('ok');
});
