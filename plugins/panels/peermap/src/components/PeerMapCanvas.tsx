import { css } from '@emotion/css';
import { type DisplayProcessor, formattedValueToString, type GrafanaTheme2 } from '@grafana/data';
import { IconButton, useStyles2, useTheme2 } from '@grafana/ui';
import { prepareCanvas, signalDrawn, tooltipBox } from '@nodescope/ui';
import KDBush from 'kdbush';
import React, { useLayoutEffect, useMemo, useRef, useState } from 'react';
import { type Cluster, clusterPoints, clusterRadius, dominant, mergeOverlapping } from '../cluster';
import type { Palette } from '../colors';
import type { Peer } from '../peers';
import type { SizeBy } from '../types';
import { type WorldPaths, worldPaths } from '../world';

interface Props {
  peers: Peer[];
  /** palette category of each peer (PeerMapPanel computes them once) */
  categories: Uint8Array;
  width: number;
  height: number;
  palette: Palette;
  sizeBy: SizeBy;
  cluster: boolean;
  clusterRadius: number;
  formatPing: DisplayProcessor;
  formatBytes: DisplayProcessor;
}

interface View {
  k: number;
  x: number;
  y: number;
}

const MAX_ZOOM = 24;

// canvas paths per projected world, built at the first draw (jsdom has no Path2D) and shared by
// every panel of that size
const shapeCache = new WeakMap<WorldPaths, { sphere: Path2D; land: Path2D; borders: Path2D }>();
function canvasShapes(world: WorldPaths) {
  let shapes = shapeCache.get(world);
  if (!shapes) {
    shapes = { sphere: new Path2D(world.sphere), land: new Path2D(world.land), borders: new Path2D(world.borders) };
    shapeCache.set(world, shapes);
  }
  return shapes;
}

export function PeerMapCanvas({ peers, categories, width, height, palette, sizeBy, cluster, clusterRadius: cell, formatPing, formatBytes }: Props) {
  const theme = useTheme2();
  const styles = useStyles2(getStyles);
  const canvas = useRef<HTMLCanvasElement>(null);
  const [view, setView] = useState<View>({ k: 1, x: 0, y: 0 });
  const [hover, setHover] = useState<{ cluster: Cluster; x: number; y: number } | undefined>();
  const drag = useRef<{ x: number; y: number; view: View } | undefined>();

  const world = useMemo(() => worldPaths(width, height), [width, height]);

  // projected once per size; zoom and pan only scale and shift these
  const projected = useMemo(() => {
    const x = new Float64Array(peers.length);
    const y = new Float64Array(peers.length);
    const point: [number, number] = [0, 0];
    for (let i = 0; i < peers.length; i++) {
      point[0] = peers[i]!.lon;
      point[1] = peers[i]!.lat;
      const p = world.projection(point);
      x[i] = p ? p[0] : NaN;
      y[i] = p ? p[1] : NaN;
    }
    return { x, y };
  }, [peers, world]);

  const sizeScale = useMemo(() => {
    if (sizeBy === 'fixed') return () => 4;
    const values = peers.map((p) => (sizeBy === 'ping' ? p.pingMs : p.traffic)).filter((v): v is number => v !== null && v > 0);
    const max = Math.max(1, ...values);
    return (peer: Peer) => {
      const v = sizeBy === 'ping' ? peer.pingMs : peer.traffic;
      return v === null || v <= 0 ? 3 : 3 + 7 * Math.sqrt(v / max);
    };
  }, [peers, sizeBy]);

  const clusters = useMemo(() => {
    const sx = new Float64Array(projected.x.length);
    const sy = new Float64Array(projected.y.length);
    for (let i = 0; i < sx.length; i++) {
      sx[i] = projected.x[i]! * view.k + view.x;
      sy[i] = projected.y[i]! * view.k + view.y;
    }
    const grid = clusterPoints({ x: sx, y: sy, category: categories }, cell, palette.names.length, cluster);
    return cluster ? mergeOverlapping(grid, (count) => clusterRadius(count, 4) + 1) : grid;
  }, [projected, categories, view, cell, cluster, palette]);

  useLayoutEffect(() => {
    const element = canvas.current;
    const ctx = prepareCanvas(element, width, height);
    if (!element || !ctx) return signalDrawn(element?.parentElement ?? null);
    const shape = canvasShapes(world);
    ctx.save();
    ctx.translate(view.x, view.y);
    ctx.scale(view.k, view.k);
    ctx.fillStyle = theme.isDark ? '#161a24' : '#e9eef6';
    ctx.fill(shape.sphere);
    ctx.fillStyle = theme.isDark ? '#2c3242' : '#c9d1de';
    ctx.fill(shape.land);
    ctx.lineWidth = 0.5 / view.k;
    ctx.strokeStyle = theme.isDark ? '#434a5c' : '#f7f9fc';
    ctx.stroke(shape.borders);
    ctx.strokeStyle = theme.colors.border.medium;
    ctx.lineWidth = 1 / view.k;
    ctx.stroke(shape.sphere);
    ctx.restore();

    ctx.lineWidth = 1.5;
    ctx.strokeStyle = theme.isDark ? 'rgba(0,0,0,0.55)' : 'rgba(255,255,255,0.9)';
    ctx.font = `600 11px ${theme.typography.fontFamily}`;
    ctx.textAlign = 'center';
    ctx.textBaseline = 'middle';
    // single markers first, clusters on top
    const singles = clusters.filter((c) => c.members.length === 1);
    ctx.globalAlpha = 0.9;
    for (const c of singles) {
      const peer = peers[c.members[0]!]!;
      ctx.beginPath();
      ctx.arc(c.x, c.y, sizeScale(peer), 0, Math.PI * 2);
      ctx.fillStyle = palette.colors[dominant(c.categories)]!;
      ctx.fill();
      ctx.stroke();
    }
    ctx.globalAlpha = 1;
    for (const c of clusters) {
      if (c.members.length === 1) continue;
      const r = clusterRadius(c.members.length, 4);
      // a ring split by category, the dominant colour filling the disc
      ctx.beginPath();
      ctx.arc(c.x, c.y, r, 0, Math.PI * 2);
      ctx.fillStyle = palette.colors[dominant(c.categories)]!;
      ctx.globalAlpha = 0.85;
      ctx.fill();
      ctx.globalAlpha = 1;
      let start = -Math.PI / 2;
      for (let k = 0; k < c.categories.length; k++) {
        const share = c.categories[k]! / c.members.length;
        if (share === 0) continue;
        ctx.beginPath();
        ctx.arc(c.x, c.y, r + 2, start, start + share * Math.PI * 2);
        ctx.strokeStyle = palette.colors[k]!;
        ctx.lineWidth = 3;
        ctx.stroke();
        start += share * Math.PI * 2;
      }
      ctx.fillStyle = '#fff';
      ctx.fillText(c.members.length > 999 ? `${(c.members.length / 1000).toFixed(1)}k` : String(c.members.length), c.x, c.y + 0.5);
    }
    signalDrawn(element.parentElement);
  }, [clusters, world, theme, width, height, view, peers, palette, sizeScale]);

  // hit-testing: a k-d tree of the markers, built once per clustering (zoom, pan, data), so a
  // hover looks at the few markers near the pointer instead of all of them
  const hits = useMemo(() => {
    if (clusters.length === 0) return undefined;
    const index = new KDBush(clusters.length);
    const reach = new Float64Array(clusters.length);
    let maxReach = 0;
    clusters.forEach((c, i) => {
      reach[i] = c.members.length === 1 ? sizeScale(peers[c.members[0]!]!) + 3 : clusterRadius(c.members.length, 4) + 2;
      maxReach = Math.max(maxReach, reach[i]!);
      index.add(c.x, c.y);
    });
    return { index: index.finish(), reach, maxReach };
  }, [clusters, peers, sizeScale]);

  // the nearest marker whose disc (plus a little) holds the point; on a tie the first one drawn
  const pick = (x: number, y: number) => {
    if (!hits) return undefined;
    let best = -1;
    let bestDistance = Infinity;
    for (const i of hits.index.within(x, y, hits.maxReach)) {
      const c = clusters[i]!;
      const d = Math.hypot(c.x - x, c.y - y);
      if (d <= hits.reach[i]! && (d < bestDistance || (d === bestDistance && i < best))) {
        best = i;
        bestDistance = d;
      }
    }
    return best >= 0 ? clusters[best] : undefined;
  };

  const local = (event: React.MouseEvent | React.WheelEvent) => {
    const rect = (event.currentTarget as HTMLElement).getBoundingClientRect();
    return { x: event.clientX - rect.left, y: event.clientY - rect.top };
  };

  const zoomAt = (x: number, y: number, factor: number) =>
    setView((v) => {
      const k = Math.min(MAX_ZOOM, Math.max(1, v.k * factor));
      if (k === 1) return { k: 1, x: 0, y: 0 };
      return { k, x: x - ((x - v.x) * k) / v.k, y: y - ((y - v.y) * k) / v.k };
    });

  const onWheel = (event: React.WheelEvent) => {
    const { x, y } = local(event);
    zoomAt(x, y, event.deltaY < 0 ? 1.25 : 0.8);
  };

  const onMouseMove = (event: React.MouseEvent) => {
    const { x, y } = local(event);
    if (drag.current) {
      const start = drag.current;
      setView({ ...start.view, x: start.view.x + x - start.x, y: start.view.y + y - start.y });
      return;
    }
    const c = pick(x, y);
    setHover(c ? { cluster: c, x: c.x, y: c.y } : undefined);
  };

  return (
    <div
      className={styles.wrap}
      style={{ width, height }}
      onWheel={onWheel}
      onMouseDown={(e) => {
        drag.current = { ...local(e), view };
      }}
      onMouseUp={() => (drag.current = undefined)}
      onMouseLeave={() => {
        drag.current = undefined;
        setHover(undefined);
      }}
      onMouseMove={onMouseMove}
      onDoubleClick={(e) => {
        const { x, y } = local(e);
        zoomAt(x, y, 2);
      }}
      data-testid="peermap-canvas"
      data-zoom={view.k.toFixed(2)}
      data-clusters={clusters.length}
    >
      <canvas ref={canvas} style={{ width, height, cursor: drag.current ? 'grabbing' : 'grab' }} />
      <div className={styles.zoom}>
        <IconButton name="search-plus" tooltip="Zoom in" onClick={() => zoomAt(width / 2, height / 2, 1.5)} />
        <IconButton name="search-minus" tooltip="Zoom out" onClick={() => zoomAt(width / 2, height / 2, 1 / 1.5)} />
        <IconButton name="home-alt" tooltip="Reset view" onClick={() => setView({ k: 1, x: 0, y: 0 })} />
      </div>
      {hover && <PeerTooltip cluster={hover.cluster} peers={peers} palette={palette} x={hover.x} y={hover.y} width={width} formatPing={formatPing} formatBytes={formatBytes} />}
    </div>
  );
}

function PeerTooltip({ cluster, peers, palette, x, y, width, formatPing, formatBytes }: { cluster: Cluster; peers: Peer[]; palette: Palette; x: number; y: number; width: number; formatPing: DisplayProcessor; formatBytes: DisplayProcessor }) {
  const styles = useStyles2(getStyles);
  const position = x > width / 2 ? { right: width - x + 14, top: Math.max(4, y - 20) } : { left: x + 14, top: Math.max(4, y - 20) };
  const fmt = (d: DisplayProcessor, v: number | null) => (v === null ? '—' : formattedValueToString(d(v)));
  if (cluster.members.length === 1) {
    const peer = peers[cluster.members[0]!]!;
    return (
      <div className={styles.tooltip} style={position} data-testid="peer-tooltip">
        <div className={styles.title}>{peer.address || 'peer'}</div>
        <table className={styles.table}>
          <tbody>
            {peer.place && <Row name="Location" value={peer.place} />}
            {peer.asn && <Row name="AS" value={peer.asn} />}
            <Row name="Network" value={`${peer.network} · ${peer.direction}${peer.connectionType && peer.connectionType !== peer.direction ? ` (${peer.connectionType})` : ''}`} />
            {peer.userAgent && <Row name="Client" value={peer.userAgent} />}
            <Row name="Ping" value={fmt(formatPing, peer.pingMs)} />
            <Row name="Sent / received" value={`${fmt(formatBytes, peer.bytesSent)} / ${fmt(formatBytes, peer.bytesRecv)}`} />
          </tbody>
        </table>
      </div>
    );
  }
  const sample = cluster.members.slice(0, 5).map((i) => peers[i]!);
  return (
    <div className={styles.tooltip} style={position} data-testid="peer-tooltip">
      <div className={styles.title}>{cluster.members.length} peers</div>
      {cluster.categories.map((count, k) =>
        count > 0 ? (
          <div key={k} className={styles.category}>
            <span className={styles.dot} style={{ background: palette.colors[k] }} />
            {palette.names[k]}: {count}
          </div>
        ) : null
      )}
      <div className={styles.sample}>
        {sample.map((p) => (
          <div key={p.row + p.address}>
            {p.address} {p.place && `· ${p.place}`}
          </div>
        ))}
        {cluster.members.length > sample.length && <div>… zoom in for the rest</div>}
      </div>
    </div>
  );
}

const Row = ({ name, value }: { name: string; value: string }) => (
  <tr>
    <th>{name}</th>
    <td>{value}</td>
  </tr>
);

const getStyles = (theme: GrafanaTheme2) => ({
  wrap: css({ position: 'relative', overflow: 'hidden', userSelect: 'none' }),
  zoom: css({ position: 'absolute', left: theme.spacing(1), top: theme.spacing(1), display: 'flex', flexDirection: 'column', gap: 2, padding: 2, background: theme.colors.background.secondary, borderRadius: theme.shape.radius.default, border: `1px solid ${theme.colors.border.weak}` }),
  tooltip: css(tooltipBox(theme), { maxWidth: 340 }),
  title: css({ fontWeight: theme.typography.fontWeightMedium, marginBottom: theme.spacing(0.5), wordBreak: 'break-all' }),
  table: css({ 'th': { color: theme.colors.text.secondary, fontWeight: 'normal', paddingRight: theme.spacing(1), textAlign: 'left', verticalAlign: 'top', whiteSpace: 'nowrap' }, 'td': { wordBreak: 'break-word' } }),
  category: css({ display: 'flex', alignItems: 'center', gap: 6 }),
  dot: css({ width: 8, height: 8, borderRadius: '50%' }),
  sample: css({ marginTop: theme.spacing(0.5), color: theme.colors.text.secondary }),
});
