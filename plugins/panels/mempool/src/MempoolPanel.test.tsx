import { type DataFrame, LoadingState, type PanelData } from '@grafana/data';
import { renderGrafanaPanel } from '@nodescope/ui/testing';
import { cleanup, fireEvent, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { MempoolPanel } from './MempoolPanel';
import { blocksFrame, nodescopeHistogram, prometheusSeries, ramp, T0 } from './testing';
import { DEFAULT_MEMPOOL_OPTIONS, type MempoolOptions } from './types';

function renderPanel(series: DataFrame[], options: Partial<MempoolOptions> = {}, data: Partial<PanelData> = {}, mode: 'dark' | 'light' = 'dark') {
  const range = { from: T0, to: T0 + 3_600_000 };
  return renderGrafanaPanel(MempoolPanel, { series, options: { ...DEFAULT_MEMPOOL_OPTIONS, ...options }, width: 900, height: 500, data, mode, range });
}

const blocks = blocksFrame([
  { vsize: 999_000, median: 21, min: 18, max: 400, tx: 3900 },
  { vsize: 1_000_000, median: 12, min: 11, max: 18, tx: 4100 },
  { vsize: 12_000_000, median: 3, min: 1, max: 11, tx: 50000 },
]);

afterEach(cleanup);

describe('MempoolPanel', () => {
  it.each(['dark', 'light'] as const)('draws nodescope frames with the 39-band legend and the projected blocks (%s)', (mode) => {
    renderPanel([...nodescopeHistogram(ramp(5)), blocks], {}, {}, mode);
    const panel = screen.getByTestId('mempool-panel');
    expect(panel.dataset.origin).toBe('nodescope');
    expect(panel.dataset.kind).toBe('vsize');
    expect(screen.getByTestId('mempool-legend').querySelectorAll('[title$="sat/vB"]')).toHaveLength(39);
    expect(screen.getAllByTestId('projected-block')).toHaveLength(3);
    expect(screen.getByText('~21 sat/vB')).toBeInTheDocument();
    expect(screen.getByText('18 - 400 sat/vB')).toBeInTheDocument();
    expect(screen.getByText('Next block')).toBeInTheDocument();
    expect(screen.getByText('12 blocks more')).toBeInTheDocument();
    // the canvas drew (or, in jsdom without a 2d context, signalled)
    expect(Number(screen.getByTestId('mempool-chart').dataset.drawnCount)).toBeGreaterThan(0);
  });

  it('draws Prometheus series, merged to 13 bands when asked, legend below', () => {
    const times = [T0, T0 + 60_000];
    renderPanel(
      prometheusSeries(['0-1', '1-2', '2-3', '3-4', '60-70', '2000+'].map((band, i) => ({ band, times, values: [i * 1000, i * 2000] }))),
      { bandGrouping: 'coarse', legend: 'bottom' }
    );
    expect(screen.getByTestId('mempool-panel').dataset.origin).toBe('prometheus');
    const labels = Array.from(screen.getByTestId('mempool-legend').querySelectorAll('[title]')).map((e) => e.getAttribute('title'));
    expect(labels).toEqual(['0-2 sat/vB', '2-4 sat/vB', '50-100 sat/vB', '1000+ sat/vB']);
    expect(screen.queryByTestId('projected-blocks')).toBeNull();
  });

  it.each([
    ['hidden legend', { legend: 'hidden' as const }, 0, 3],
    ['strip off', { showBlocks: false }, 1, 0],
    ['two blocks at most', { maxBlocks: 2 }, 1, 2],
  ])('options: %s', (_name, options, legends, blockCount) => {
    renderPanel([...nodescopeHistogram(ramp(2)), blocks], options);
    expect(screen.queryAllByTestId('mempool-legend')).toHaveLength(legends);
    expect(screen.queryAllByTestId('projected-block')).toHaveLength(blockCount);
  });

  it('draws a single snapshot (a fresh proxy) across the chart', () => {
    renderPanel(nodescopeHistogram(ramp(1)));
    expect(screen.getByTestId('mempool-panel')).toBeInTheDocument();
    expect(Number(screen.getByTestId('mempool-chart').dataset.drawnCount)).toBeGreaterThan(0);
  });

  it.each([
    ['si:vB (from the frame)', undefined, undefined, /^\d+(\.\d+)? [kM]vB$/],
    ['decbytes, 0 decimals (field config)', 'decbytes', 0, /^\d+ [kM]B$/],
  ])('tooltip values follow the unit: %s', (_name, unit, decimals, pattern) => {
    const frames = nodescopeHistogram(ramp(5));
    if (unit !== undefined) for (const f of frames[0]!.fields) f.config = { ...f.config, unit, decimals };
    renderPanel(frames);
    fireEvent.mouseMove(screen.getByTestId('mempool-chart'), { clientX: 400, clientY: 200 });
    const tooltip = screen.getByTestId('mempool-tooltip');
    const values = Array.from(tooltip.querySelectorAll('div > span:last-child')).map((e) => e.textContent ?? '');
    expect(values.length).toBeGreaterThan(5);
    for (const v of values) expect(v).toMatch(pattern);
    expect(tooltip).toHaveTextContent('2000+ sat/vB');
  });

  it('says what to query when there is no histogram', () => {
    renderPanel([]);
    expect(screen.getByTestId('panel-empty')).toHaveTextContent('No fee histogram in the data');
    expect(screen.getByTestId('panel-empty')).toHaveTextContent('bitcoin_mempool_fee_band_vsize');
  });

  it('says the range is empty when the bands have no points', () => {
    renderPanel(nodescopeHistogram([]));
    expect(screen.getByTestId('panel-empty')).toHaveTextContent('No data in the time range');
  });

  it('shows the query error', () => {
    renderPanel([], {}, { state: LoadingState.Error, errors: [{ message: 'source btc-main is down' }] });
    expect(screen.getByRole('alert')).toHaveTextContent('source btc-main is down');
  });

  it('still shows the projected blocks when only mempool.blocks came back', () => {
    renderPanel([blocks]);
    expect(screen.getAllByTestId('projected-block')).toHaveLength(3);
  });
});
