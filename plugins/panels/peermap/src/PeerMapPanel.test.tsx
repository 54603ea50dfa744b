import { type DataFrame, LoadingState, type PanelData } from '@grafana/data';
import { renderGrafanaPanel } from '@nodescope/ui/testing';
import { cleanup, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { PeerMapPanel } from './PeerMapPanel';
import { peersFrame, SAMPLE } from './testing';
import { DEFAULT_PEERMAP_OPTIONS, type PeerMapOptions } from './types';

afterEach(cleanup);

function renderPanel(series: DataFrame[], options: Partial<PeerMapOptions> = {}, data: Partial<PanelData> = {}, mode: 'dark' | 'light' = 'dark', width = 900) {
  return renderGrafanaPanel(PeerMapPanel, { series, options: { ...DEFAULT_PEERMAP_OPTIONS, ...options }, width, height: 450, data, mode });
}

describe('PeerMapPanel', () => {
  it.each(['dark', 'light'] as const)('maps placed peers and lists the unplaceable ones (%s)', (mode) => {
    renderPanel([peersFrame(SAMPLE)], {}, {}, mode);
    const panel = screen.getByTestId('peermap-panel');
    expect(panel.dataset.placed).toBe('3');
    expect(panel.dataset.unplaced).toBe('5');
    expect(screen.getByText('Tor (onion)')).toBeInTheDocument();
    expect(screen.getByText('Private')).toBeInTheDocument();
    expect(screen.getByTestId('unplaced')).toHaveTextContent('Not placeable · 5');
    expect(screen.getByTestId('geo-hint')).toHaveTextContent('geoip.cityDb');
    // Frankfurt's two peers share a cluster, Ashburn stands alone
    expect(screen.getByTestId('peermap-canvas').dataset.clusters).toBe('2');
    expect(Number(screen.getByTestId('peermap-canvas').dataset.drawnCount)).toBeGreaterThan(0);
  });

  it.each([
    ['clustering off', { cluster: false }, '3'],
    ['clustering on', { cluster: true }, '2'],
  ])('options: %s', (_name, options, clusters) => {
    renderPanel([peersFrame(SAMPLE)], options);
    expect(screen.getByTestId('peermap-canvas').dataset.clusters).toBe(clusters);
  });

  it('colour by network lists networks in the side legend', () => {
    renderPanel([peersFrame(SAMPLE)], { colorBy: 'network' });
    expect(screen.getByText('ipv4')).toBeInTheDocument();
    expect(screen.getByText('ipv6')).toBeInTheDocument();
  });

  it('hides the side column when asked or when the panel is narrow', () => {
    renderPanel([peersFrame(SAMPLE)], { showSide: false });
    expect(screen.queryByTestId('unplaced')).toBeNull();
    cleanup();
    renderPanel([peersFrame(SAMPLE)], {}, {}, 'dark', 400);
    expect(screen.queryByTestId('unplaced')).toBeNull();
  });

  it.each([
    ['no frames', [], 'No peer table in the data'],
    ['an empty peer table', [peersFrame([])], 'No peers'],
  ])('empty state: %s', (_name, series, text) => {
    renderPanel(series as DataFrame[]);
    expect(screen.getByTestId('panel-empty')).toHaveTextContent(text);
  });

  it('shows the query error', () => {
    renderPanel([], {}, { state: LoadingState.Error, errors: [{ message: 'getpeerinfo timed out' }] });
    expect(screen.getByRole('alert')).toHaveTextContent('getpeerinfo timed out');
  });
});
