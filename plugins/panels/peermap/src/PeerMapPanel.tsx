import { css } from '@emotion/css';
import { type Field, getDisplayProcessor, type GrafanaTheme2, LoadingState, type PanelProps } from '@grafana/data';
import { useStyles2, useTheme2 } from '@grafana/ui';
import { caption, PanelMessage, QueryErrorMessage } from '@nodescope/ui';
import React, { useMemo } from 'react';
import { palette } from './colors';
import { PeerMapCanvas } from './components/PeerMapCanvas';
import { readPeers } from './peers';
import type { PeerMapOptions } from './types';

const SIDE_WIDTH = 170;

export function PeerMapPanel({ data, options, width, height }: PanelProps<PeerMapOptions>) {
  const theme = useTheme2();
  const styles = useStyles2(getStyles);
  const peers = useMemo(() => readPeers(data.series), [data.series]);
  const pingField = peers?.pingField;
  const colors = useMemo(() => palette(options.colorBy, theme, pingField?.config.thresholds?.steps), [options.colorBy, theme, pingField]);
  // each placed peer's colour category, once: the side column counts them, the map clusters by them
  const categories = useMemo(() => {
    const placed = peers?.placed ?? [];
    const out = new Uint8Array(placed.length);
    for (let i = 0; i < placed.length; i++) out[i] = colors.categoryOf(placed[i]!);
    return out;
  }, [peers, colors]);
  const display = (field: Field | undefined, unit: string) =>
    getDisplayProcessor({ field: { ...(field ?? { name: unit, config: {} }), config: { ...(field?.config ?? {}), unit: field?.config.unit ?? unit } } as Field, theme });
  const formatPing = useMemo(() => display(pingField, 'ms'), [pingField, theme]); // eslint-disable-line react-hooks/exhaustive-deps
  const formatBytes = useMemo(() => display(peers?.trafficField, 'decbytes'), [peers?.trafficField, theme]); // eslint-disable-line react-hooks/exhaustive-deps

  if (data.state === LoadingState.Error && !peers) {
    return <QueryErrorMessage data={data} />;
  }
  if (!peers || peers.total === 0) {
    return (
      <PanelMessage
        kind="empty"
        title={peers ? 'No peers' : 'No peer table in the data'}
        text={peers ? 'The node has no connected peers in this result.' : 'Query nodescope `network.peers`, or any table with latitude and longitude fields.'}
      />
    );
  }

  const side = options.showSide && width > 420;
  const mapWidth = width - (side ? SIDE_WIDTH : 0);
  const counts = new Array<number>(colors.names.length).fill(0);
  for (let i = 0; i < categories.length; i++) counts[categories[i]!]! += 1;
  const unplacedTotal = peers.unplaced.reduce((sum, u) => sum + u.count, 0);
  return (
    <div className={styles.panel} data-testid="peermap-panel" data-placed={peers.placed.length} data-unplaced={unplacedTotal}>
      <PeerMapCanvas
        peers={peers.placed}
        categories={categories}
        width={mapWidth}
        height={height}
        palette={colors}
        sizeBy={options.sizeBy}
        cluster={options.cluster}
        clusterRadius={options.clusterRadius}
        formatPing={formatPing}
        formatBytes={formatBytes}
      />
      {side && (
        <div className={styles.side} style={{ width: SIDE_WIDTH }}>
          <div className={styles.total}>
            <span className={styles.big}>{peers.total.toLocaleString('en-US')}</span> peers
          </div>
          <div className={styles.heading}>On the map · {peers.placed.length.toLocaleString('en-US')}</div>
          {colors.names.map((name, k) =>
            counts[k]! > 0 ? (
              <div key={name} className={styles.item}>
                <span className={styles.dot} style={{ background: colors.colors[k] }} />
                <span className={styles.name}>{name}</span>
                <span>{counts[k]!.toLocaleString('en-US')}</span>
              </div>
            ) : null
          )}
          <div className={styles.heading} data-testid="unplaced">
            Not placeable · {unplacedTotal.toLocaleString('en-US')}
          </div>
          {peers.unplaced.length === 0 && <div className={styles.muted}>every peer has a location</div>}
          {peers.unplaced.map((u) => (
            <div key={u.network} className={styles.item}>
              <span className={styles.name}>{u.network}</span>
              <span>{u.count.toLocaleString('en-US')}</span>
            </div>
          ))}
          {peers.unplaced.some((u) => u.network.endsWith('no location')) && (
            <div className={styles.hint} data-testid="geo-hint">
              Public peers without a location: give the nodescope proxy a GeoIP database (bitcoin source <code>geoip.cityDb</code>).
            </div>
          )}
        </div>
      )}
    </div>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  panel: css({ display: 'flex', width: '100%', height: '100%', overflow: 'hidden' }),
  side: css({ flex: '0 0 auto', padding: theme.spacing(0.5, 1, 1, 1.5), borderLeft: `1px solid ${theme.colors.border.weak}`, fontSize: theme.typography.bodySmall.fontSize, overflowY: 'auto', fontVariantNumeric: 'tabular-nums' }),
  total: css({ color: theme.colors.text.secondary, marginBottom: theme.spacing(1) }),
  big: css({ fontSize: theme.typography.h3.fontSize, color: theme.colors.text.primary, fontWeight: theme.typography.fontWeightMedium }),
  heading: css(caption(theme), { marginTop: theme.spacing(1), marginBottom: theme.spacing(0.5) }),
  item: css({ display: 'flex', alignItems: 'center', gap: 6, lineHeight: 1.8 }),
  name: css({ flex: 1 }),
  dot: css({ width: 9, height: 9, borderRadius: '50%' }),
  muted: css({ color: theme.colors.text.disabled }),
  hint: css({ marginTop: theme.spacing(1.5), color: theme.colors.text.secondary, lineHeight: 1.4, code: { fontSize: 11 } }),
});
