// A source whose config has a `host` block (bitcoin, stacks, geth) also watches its datadir:
// the watch runs beside the source and adds a `disk` component to its health. Applied in
// place (registry.ts), so what a source keeps about itself (WeakMaps keyed by it) still finds it.
import type { HostWatchConfig } from '../config/common.js';
import { combineHealth } from '../core/circuit.js';
import type { SourceContext } from '../core/context.js';
import { DatadirWatch, diskRingSize, type DiskSample } from '../core/datadirWatch.js';
import type { Source } from './types.js';

export function watchDatadir(source: Source, host: HostWatchConfig, context: SourceContext): DatadirWatch {
  const watch = new DatadirWatch(source.id, host, context.history.ring<DiskSample>(`${source.id}:datadir`, diskRingSize(host)), context.metrics, context.logger, context.now);
  const health = source.health.bind(source);
  const start = source.start.bind(source);
  const stop = source.stop.bind(source);
  source.health = () => combineHealth(health(), { disk: watch.health() });
  source.start = async () => {
    watch.start();
    await start();
  };
  source.stop = async () => {
    watch.stop();
    await stop();
  };
  return watch;
}
