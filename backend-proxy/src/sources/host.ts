// Host health of a node's machine. A source whose config has a `host` block (bitcoin, stacks,
// geth) also watches its datadir (and the memory of the host it shares with the proxy): the watch
// runs beside the source and adds a `disk` component to its health. Those kinds serve
// `host.health`, one row: what the source itself knows of its host (bitcoind: clock offset,
// size_on_disk growth), with the datadir's free space and days until full put in here. Applied in
// place (registry.ts), so what a source keeps about itself (WeakMaps keyed by it) still finds it.
import { toFrame, UNITS, type DataFrameJSON, type FieldInput } from '@nodescope/shared';
import type { HostWatchConfig } from '../config/common.js';
import { combineHealth } from '../core/circuit.js';
import type { SourceContext } from '../core/context.js';
import {
  DatadirWatch,
  diskRingSize,
  type DiskSample,
  type DiskSnapshot,
  type HostMemory,
} from '../core/datadirWatch.js';
import type { QueryHandler, Source } from './types.js';

export const HOST_FRAME = 'host.health';

/** The frame a source's own host.health handler returns: the time, then what it knows. */
export function hostFrame(now: number, fields: FieldInput[] = []): DataFrameJSON {
  return toFrame(HOST_FRAME, [{ name: 'time', type: 'time', values: [now] }, ...fields]);
}

/** The datadir columns; nulls and status `not configured` without a host block. */
export function datadirFields(disk: DiskSnapshot | null, memory: HostMemory | null = null): FieldInput[] {
  const latest = disk?.latest ?? null;
  const num = (value: number | null | undefined) => [value ?? null];
  return [
    { name: 'datadir_status', type: 'string', values: [disk ? disk.status : 'not configured'] },
    {
      name: 'datadir_message',
      type: 'string',
      values: [
        disk
          ? disk.message
          : "no host.datadir in this source's config: free space is read where the proxy can see the datadir",
      ],
    },
    { name: 'datadir_size_bytes', type: 'number', values: num(latest?.size), unit: UNITS.bytes },
    { name: 'datadir_avail_bytes', type: 'number', values: num(latest?.avail), unit: UNITS.bytes },
    {
      name: 'datadir_free_ratio',
      type: 'number',
      values: num(latest && latest.size > 0 ? latest.avail / latest.size : null),
      unit: UNITS.percentUnit,
      config: { min: 0, max: 1 },
    },
    {
      name: 'datadir_growth_bytes_per_day',
      type: 'number',
      values: num(disk?.trend ? disk.trend.bytesPerSecond * 86_400 : null),
      unit: UNITS.bytes,
    },
    { name: 'datadir_days_until_full', type: 'number', values: num(disk?.daysUntilFull), unit: 'd' },
    // the proxy's own host, which is the node's where a datadir is watched
    { name: 'memory_total_bytes', type: 'number', values: num(memory?.total), unit: UNITS.bytesIEC },
    { name: 'memory_available_bytes', type: 'number', values: num(memory?.available), unit: UNITS.bytesIEC },
  ];
}

/** `frame` with the datadir columns after its time column. */
function withDatadir(frame: DataFrameJSON, disk: DiskSnapshot | null, memory: HostMemory | null): DataFrameJSON {
  const extra = toFrame(HOST_FRAME, datadirFields(disk, memory));
  return {
    ...frame,
    schema: {
      ...frame.schema,
      fields: [frame.schema.fields[0]!, ...extra.schema.fields, ...frame.schema.fields.slice(1)],
    },
    data: { ...frame.data, values: [frame.data.values[0]!, ...extra.data.values, ...frame.data.values.slice(1)] },
  };
}

export function watchHost(
  source: Source,
  host: HostWatchConfig | undefined,
  context: SourceContext
): DatadirWatch | null {
  const watch = host
    ? new DatadirWatch(
        source.id,
        host,
        context.history.ring<DiskSample>(`${source.id}:datadir`, diskRingSize(host)),
        context.metrics,
        context.logger,
        context.now
      )
    : null;
  if (watch) {
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
  }
  // defineQueries hands back a plain object: its host.health gains the datadir columns
  const queries = source.queries as Record<string, QueryHandler | undefined>;
  const own = queries[HOST_FRAME];
  if (own)
    queries[HOST_FRAME] = async (input) =>
      (await own(input)).map((f) =>
        f.schema.name === HOST_FRAME ? withDatadir(f, watch?.snapshot() ?? null, watch?.memory ?? null) : f
      );
  return watch;
}
