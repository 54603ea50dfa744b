// Renders a panel component the way Grafana mounts it, for the panels' Testing Library tests.
// Test-only: reached through `@nodescope/ui/testing`, so no bundle ever takes @testing-library.
import { createTheme, type DataFrame, dateTime, EventBusSrv, LoadingState, type PanelData, type PanelProps } from '@grafana/data';
import { ThemeContext } from '@grafana/ui';
import { render } from '@testing-library/react';
import React, { type ComponentType } from 'react';

export interface PanelRenderOptions<T> {
  series: DataFrame[];
  options: T;
  width: number;
  height: number;
  /** merged over a finished (Done) result, e.g. `{ state: LoadingState.Error, errors: [...] }` */
  data?: Partial<PanelData>;
  mode?: 'dark' | 'light';
  /** epoch ms of the dashboard time range */
  range?: { from: number; to: number };
}

export function renderGrafanaPanel<T>(Panel: ComponentType<PanelProps<T>>, { series, options, width, height, data = {}, mode = 'dark', range = { from: 0, to: 1 } }: PanelRenderOptions<T>) {
  const timeRange = { from: dateTime(range.from), to: dateTime(range.to), raw: { from: 'now-1h', to: 'now' } };
  const props = {
    id: 1,
    data: { state: LoadingState.Done, series, timeRange, ...data },
    timeRange,
    timeZone: 'utc',
    options,
    fieldConfig: { defaults: {}, overrides: [] },
    width,
    height,
    transparent: false,
    renderCounter: 0,
    title: 'Panel',
    eventBus: new EventBusSrv(),
    onOptionsChange: () => {},
    onFieldConfigChange: () => {},
    replaceVariables: (v: string) => v,
    onChangeTimeRange: () => {},
  } as unknown as PanelProps<T>;
  return render(
    <ThemeContext.Provider value={createTheme({ colors: { mode } })}>
      <Panel {...props} />
    </ThemeContext.Provider>
  );
}
