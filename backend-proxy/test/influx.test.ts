// The Influx writer against Debian's real InfluxDB (influxd 1.6, v1 write API): write, read back
// through /query, then an outage (influxd stopped) while the proxy keeps collecting, a proxy
// restart in the middle of it (queue file), influxd back: every point arrives, none twice.
import { join } from 'node:path';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configSchema } from '../src/config/schema.js';
import { createLogger, SecretScrubber } from '../src/core/logger.js';
import { buildApp } from '../src/http/app.js';
import { MetricFactory } from '../src/core/metrics.js';
import { startInfluxWriter } from '../src/outputs/influx.js';
import { influxOutputSchema } from '../src/outputs/influxConfig.js';
import { LogCapture, tempDir } from './helpers.js';
import { freePort, hasInfluxd, Influxd } from './influxd.js';

describe.skipIf(!hasInfluxd)('Influx writer against a real influxd (v1 API)', () => {
  let influxd: Influxd;
  let dir: { path: string; remove: () => Promise<void> };

  beforeAll(async () => {
    dir = await tempDir('nodescope-influxd-');
    influxd = new Influxd(dir.path, await freePort(), await freePort());
    await influxd.start();
    await influxd.query('CREATE DATABASE nodescope');
  });

  afterAll(async () => {
    await influxd?.stop();
    await dir?.remove();
  });

  it('writes, reads back, and loses nothing across an outage and a proxy restart', async () => {
    const queueFile = join(dir.path, 'proxy', 'influx-queue.json');
    const config = influxOutputSchema.parse({ url: influxd.url, db: 'nodescope', batchSize: 4, queueFile, timeoutSeconds: 2 });
    const oddLabel = 'a,b=c d"e\\f é';
    const written: Array<[number, number]> = []; // [time, value] of every snapshot taken
    let step = 0;

    const proxy = () => {
      const logs = new LogCapture();
      const secrets = new SecretScrubber();
      const metrics = new MetricFactory(new Registry());
      const blocks = metrics.gauge('bitcoin_blocks', 'height');
      const odd = metrics.gauge('nodescope_odd', 'labels that need escaping', ['note']);
      // tick() moves the clock and the block height together, so every snapshot's point is known
      const now = () => 1_700_000_000_000 + step * 1_000;
      const tick = () => {
        step++;
        blocks.set({ source: 'btc-main' }, 870_000 + step);
        odd.set({ source: 'odd', note: oddLabel }, step);
        written.push([now(), 870_000 + step]);
      };
      const logger = createLogger({ level: 'debug', scrubber: secrets, destination: logs });
      return { logs, tick, start: () => startInfluxWriter(config, { registry: metrics.registry, logger, secrets, metrics, now, timers: false }) };
    };

    // 1. normal operation
    const first = proxy();
    const writer1 = await first.start();
    for (let i = 0; i < 3; i++) {
      first.tick();
      await writer1.collect();
    }
    expect(await writer1.writer.flush()).toBe(true);
    const before = await influxd.query(`SELECT value FROM bitcoin_blocks WHERE source = 'btc-main'`);
    expect(before.results[0]!.series![0]!.values).toEqual(written.slice(0, 3));

    // 2. outage: influxd stops, snapshots keep coming and stay queued
    await influxd.stop();
    for (let i = 0; i < 3; i++) {
      first.tick();
      await writer1.collect();
    }
    expect(await writer1.writer.flush()).toBe(false);
    expect(writer1.writer.stats.pendingLines).toBeGreaterThan(0);
    expect(writer1.writer.stats.lastError).toMatch(/ECONNREFUSED/);

    // 3. the proxy restarts during the outage (stop takes one last snapshot and persists the queue)
    first.tick();
    await writer1.stop();
    const pendingAtStop = writer1.writer.stats.pendingLines;
    const second = proxy();
    const writer2 = await second.start();
    expect(writer2.writer.stats.pendingLines).toBe(pendingAtStop);
    expect(second.logs.text).toContain('influx queue restored');
    second.tick();
    await writer2.collect();

    // 4. influxd comes back: the backlog goes out in order, then new points (flush() snapshots once
    // more at the same clock: the same point again, which InfluxDB stores once)
    await influxd.start();
    expect(await writer2.flush()).toBe(true);
    expect(writer2.writer.stats).toMatchObject({ pendingLines: 0, droppedLines: 0 });

    const after = await influxd.query(`SELECT value FROM bitcoin_blocks WHERE source = 'btc-main'`);
    expect(written).toHaveLength(3 + 3 + 1 + 1);
    expect(after.results[0]!.series![0]!.values).toEqual(written);

    // escaping: the odd label came back exactly, one point per snapshot
    const tags = await influxd.query(`SHOW TAG VALUES FROM nodescope_odd WITH KEY = "note"`);
    expect(tags.results[0]!.series![0]!.values).toEqual([['note', oddLabel]]);
    const odd = await influxd.query(`SELECT count(value) FROM nodescope_odd`);
    expect(odd.results[0]!.series![0]!.values[0]![1]).toBe(written.length);

    // the writer's own nodescope_influx_* metrics travel with the rest
    const self = await influxd.query(`SHOW MEASUREMENTS WITH MEASUREMENT =~ /^nodescope_influx_/`);
    expect(self.results[0]!.series![0]!.values.flat()).toEqual(
      expect.arrayContaining(['nodescope_influx_pending_lines', 'nodescope_influx_lines_written_total', 'nodescope_influx_write_failures_total'])
    );
    await writer2.stop();
  });

  it('is started and stopped by the proxy app when outputs.influx is configured (token never logged)', async () => {
    const logs = new LogCapture();
    const token = 'influx-token-9c2e41';
    const config = configSchema.parse({
      server: { port: 0, site: 'lab-7' },
      outputs: { influx: { url: influxd.url, db: 'nodescope', username: 'proxy', token, intervalSeconds: 60 } },
    });
    const proxy = await buildApp(config, { logDestination: logs });
    await proxy.start();
    await proxy.close(); // the onClose hook snapshots once more and flushes
    const result = await influxd.query(`SELECT value FROM nodescope_influx_pending_lines WHERE site = 'lab-7'`);
    expect(result.results[0]!.series![0]!.values.length).toBeGreaterThan(0);
    expect(logs.text).toContain('influx writer started');
    expect(logs.text).not.toContain(token);
  });
});
