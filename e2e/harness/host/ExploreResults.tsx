// An Explore-like result view: logs frames as log rows (Explore routes frames with
// preferredVisualisationType 'logs' to its logs view), everything else as a Grafana table
// with field overrides applied (units, display names), plus per-query errors.
import { applyFieldOverrides, FieldColorModeId, type DataFrame, type DataQueryError, FieldType, type GrafanaTheme2, LoadingState, dateTimeFormat, dateTime, makeTimeRange } from '@grafana/data';
import { Alert, Badge, Stack, Table, Text, TimeSeries, useTheme2 } from '@grafana/ui';
import { LegendDisplayMode } from '@grafana/schema';
import React, { useMemo } from 'react';

export interface ResultsState {
  state: LoadingState;
  frames: DataFrame[];
  errors: DataQueryError[];
}

const LEVEL_COLORS: Record<string, string> = { error: '#e02f44', err: '#e02f44', critical: '#705da0', warn: '#ff9830', warning: '#ff9830', info: '#73bf69', debug: '#5794f2', trace: '#8e8e8e' };

function LogsView({ frame, theme }: { frame: DataFrame; theme: GrafanaTheme2 }) {
  const time = frame.fields.find((f) => f.type === 'time');
  const body = frame.fields.find((f) => f.name === 'body') ?? frame.fields.find((f) => f.type === 'string');
  const level = frame.fields.find((f) => f.name === 'severity' || f.name === 'level');
  return (
    <div data-testid="logs-view" style={{ fontFamily: theme.typography.fontFamilyMonospace, fontSize: 12, maxHeight: 360, overflow: 'auto' }}>
      {Array.from({ length: frame.length }, (_, i) => {
        const lvl = String(level?.values[i] ?? 'unknown').toLowerCase();
        return (
          <div key={i} data-testid="log-row" style={{ display: 'flex', gap: 12, borderLeft: `3px solid ${LEVEL_COLORS[lvl] ?? theme.colors.border.strong}`, padding: '2px 8px' }}>
            <span style={{ color: theme.colors.text.secondary, whiteSpace: 'nowrap' }}>{time ? dateTimeFormat(time.values[i] as number, { timeZone: 'utc' }) : ''}</span>
            <span style={{ width: 48, color: LEVEL_COLORS[lvl] ?? theme.colors.text.secondary }}>{lvl}</span>
            <span style={{ whiteSpace: 'pre-wrap' }}>{String(body?.values[i] ?? '')}</span>
          </div>
        );
      })}
    </div>
  );
}

/** Explore draws a graph for time series: a time field plus number fields over several rows. */
function isTimeSeries(frame: DataFrame): boolean {
  return frame.length > 1 && frame.fields.some((f) => f.type === FieldType.time) && frame.fields.some((f) => f.type === FieldType.number);
}

export function ExploreResults({ results, width }: { results: ResultsState; width: number }) {
  const theme = useTheme2();
  const frames = useMemo(
    () =>
      applyFieldOverrides({
        data: results.frames,
        // Explore's table gives every column room; the graph draws lines with Grafana's defaults
        fieldConfig: {
          defaults: { color: { mode: FieldColorModeId.PaletteClassic }, custom: { minWidth: 150, lineWidth: 1, fillOpacity: 10, drawStyle: 'line', showPoints: 'never', spanNulls: true, axisPlacement: 'auto' } },
          overrides: [],
        },
        replaceVariables: (value: string) => value,
        theme,
        timeZone: 'utc',
      }),
    [results.frames, theme]
  );
  const series = useMemo(() => {
    const graphable = frames.filter((frame) => frame.meta?.preferredVisualisationType !== 'logs' && isTimeSeries(frame));
    // what the time series panel's prepareGraphableFields does: number each series so the palette gives each its colour
    let seriesIndex = 0;
    for (const frame of frames) {
      // full timestamps need a wider column than the 150 px every column gets
      for (const field of frame.fields) if (field.type === FieldType.time) field.config.custom = { ...field.config.custom, width: 210 };
    }
    for (const frame of graphable) {
      for (const field of frame.fields) {
        if (field.type !== FieldType.number) continue;
        field.state = { ...field.state, seriesIndex: seriesIndex++ };
        // the npm @grafana/data ships an empty field config registry, so defaults do not carry the colour mode
        field.config.color = { mode: FieldColorModeId.PaletteClassic };
      }
    }
    return graphable;
  }, [frames]);
  const timeRange = useMemo(() => {
    const times = series.flatMap((frame) => frame.fields.filter((f) => f.type === FieldType.time).flatMap((f) => [f.values[0] as number, f.values[f.values.length - 1] as number]));
    return times.length > 0 ? makeTimeRange(dateTime(Math.min(...times)), dateTime(Math.max(...times))) : undefined;
  }, [series]);
  return (
    <Stack direction="column" gap={2}>
      {series.length > 0 && timeRange && (
        <section data-testid="result-graph">
          <Text element="h5">Graph</Text>
          <TimeSeries frames={series} width={width} height={260} timeRange={timeRange} timeZone="utc" legend={{ displayMode: LegendDisplayMode.List, placement: 'bottom', showLegend: true, calcs: [] }} />
        </section>
      )}
      {results.errors.map((error, i) => (
        <Alert key={i} severity="error" title={`Query ${error.refId ?? ''} failed`} data-testid="query-error">
          {error.message}
        </Alert>
      ))}
      {frames.map((frame, i) => {
        const logs = frame.meta?.preferredVisualisationType === 'logs';
        return (
          <section key={i} data-testid="result-frame" data-frame-name={frame.name ?? ''} data-rows={frame.length}>
            <Stack direction="row" gap={1} alignItems="center">
              <Text element="h5">{frame.name || `frame ${i + 1}`}</Text>
              <Badge text={`${frame.refId ?? ''}`} color="blue" />
              <Badge text={logs ? 'logs' : `${frame.fields.length} fields`} color={logs ? 'purple' : 'darkgrey'} />
              <Text color="secondary">{frame.length} rows</Text>
            </Stack>
            <div style={{ marginTop: 8 }}>
              {logs ? <LogsView frame={frame} theme={theme} /> : <Table data={frame} width={width} height={Math.min(36 * (frame.length + 1) + 8, 300)} />}
            </div>
          </section>
        );
      })}
      {results.state === LoadingState.Done && frames.length === 0 && results.errors.length === 0 && <Text color="secondary">No data</Text>}
    </Stack>
  );
}
