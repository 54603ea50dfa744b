import { css } from '@emotion/css';
import { dateTimeFormat, type DisplayProcessor, formattedValueToString, type GrafanaTheme2, type Threshold } from '@grafana/data';
import { useStyles2, useTheme2 } from '@grafana/ui';
import { prepareCanvas, signalDrawn, tooltipBox } from '@nodescope/ui';
import React, { useLayoutEffect, useMemo, useRef, useState } from 'react';
import { nearestRow, pickRows, stackRows, timeTicks, tooltipRows, yScale } from '../chart';
import { pixelWord, rasterBands } from '../bandRaster';
import { type MempoolHistogram, totals } from '../histogram';
import type { MempoolScale } from '../types';

interface Props {
  histogram: MempoolHistogram;
  width: number;
  height: number;
  scale: MempoolScale;
  display: DisplayProcessor;
  thresholds: Threshold[];
  timeZone?: string;
}

const MARGIN = { left: 68, right: 10, top: 10, bottom: 24 };

/**
 * Puts the bands' pixels on the canvas at its pixel ratio; false when they are not a stack. The
 * pixels are put before anything else is drawn there (putImageData replaces, it does not blend).
 */
function drawBandPixels(ctx: CanvasRenderingContext2D, xs: Float64Array, bandYs: Float64Array[], bottom: number, colors: Uint32Array, buffer: { pixels?: Uint32Array }): boolean {
  const ratio = window.devicePixelRatio || 1;
  const scale = (values: Float64Array) => (ratio === 1 ? values : values.map((v) => v * ratio));
  const raster = rasterBands(scale(xs), bandYs.map(scale), bottom * ratio, colors, buffer.pixels);
  if (!raster) return false;
  buffer.pixels = raster.pixels;
  if (raster.width > 0 && raster.height > 0) {
    ctx.putImageData(new ImageData(new Uint8ClampedArray(raster.pixels.buffer as ArrayBuffer, 0, raster.width * raster.height * 4), raster.width, raster.height), raster.x, raster.y);
  }
  return true;
}

export function MempoolChart({ histogram, width, height, scale, display, thresholds, timeZone }: Props) {
  const theme = useTheme2();
  const styles = useStyles2(getStyles);
  const canvas = useRef<HTMLCanvasElement>(null);
  const [hover, setHover] = useState<{ x: number; row: number } | undefined>();
  const plotWidth = Math.max(10, width - MARGIN.left - MARGIN.right);
  const plotHeight = Math.max(10, height - MARGIN.top - MARGIN.bottom);

  const geometry = useMemo(() => {
    const total = totals(histogram);
    const rows = pickRows(total, plotWidth);
    const tops = stackRows(histogram, rows);
    let peak = 0;
    for (let j = 0; j < rows.length; j++) peak = Math.max(peak, total[rows[j]!]!);
    for (const t of thresholds) if (Number.isFinite(t.value) && t.value > peak && t.value < peak * 1.5) peak = t.value;
    return { total, rows, tops, y: yScale(peak, scale, Math.max(2, Math.floor(plotHeight / 50))) };
  }, [histogram, plotWidth, plotHeight, scale, thresholds]);

  // a single snapshot (a fresh proxy, an instant query) is drawn across the minute before it
  const single = histogram.times.length === 1;
  const to = histogram.times[histogram.times.length - 1] ?? 1;
  const from = single ? to - 60_000 : (histogram.times[0] ?? 0);
  const xOf = (t: number) => MARGIN.left + (to > from ? ((t - from) / (to - from)) * plotWidth : plotWidth / 2);
  const yOf = (v: number) => MARGIN.top + plotHeight * (1 - geometry.y.norm(v));
  const format = (v: number) => formattedValueToString(display(v));
  // the bands' colours as pixel words; undefined (paths instead) if one is not #rrggbb
  const colorWords = useMemo(() => {
    const words = histogram.bands.map((band) => pixelWord(band.color));
    return words.every((w) => w !== undefined) ? Uint32Array.from(words as number[]) : undefined;
  }, [histogram.bands]);
  const pixelBuffer = useRef<{ pixels?: Uint32Array; drawn?: boolean }>({});

  useLayoutEffect(() => {
    const element = canvas.current;
    const ctx = prepareCanvas(element, width, height);
    if (!element || !ctx) return signalDrawn(element?.parentElement ?? null);
    ctx.font = `${theme.typography.bodySmall.fontSize} ${theme.typography.fontFamily}`;

    // bands, low fee at the bottom: each one the area between its top and the one below
    const { rows, tops } = geometry;
    let xs = new Float64Array(rows.length);
    for (let j = 0; j < rows.length; j++) xs[j] = xOf(histogram.times[rows[j]!]!);
    let drawRows = rows.length;
    let stacked = tops;
    if (single) {
      xs = Float64Array.from([MARGIN.left, MARGIN.left + plotWidth]);
      stacked = tops.map((top) => Float64Array.from([top[0]!, top[0]!]));
      drawRows = 2;
    }
    const bottom = yOf(geometry.y.min);
    // each band's top edge is the next band's bottom edge: its pixel ys are computed once
    const bandYs = stacked.map((top) => {
      const ys = new Float64Array(drawRows);
      for (let j = 0; j < drawRows; j++) ys[j] = yOf(top[j]!);
      return ys;
    });
    // A redraw of the mounted chart (new data, a time-range change, a resize) puts the bands as
    // pixels (bandRaster.ts) before the grid, which is then drawn under them: Chromium's software
    // rasterizer spent ~12 ms of CPU on the 39 path fills of 8,640 rows, the pixels take ~4 ms
    // once their code is compiled. The first draw of a mount fills paths: before V8 has compiled
    // the raster loop (a page's first charts) it runs 5-15x slower than that, and V8 lets go of
    // it again between mounts far apart (the panel bench's first renders: 20-53 ms for the
    // raster even after a warm-up on idle, against 5-8 ms for the fills; tried and dropped).
    const raster = pixelBuffer.current.drawn === true && colorWords !== undefined && drawBandPixels(ctx, xs, bandYs, bottom, colorWords, pixelBuffer.current);
    pixelBuffer.current.drawn = true;
    if (raster) ctx.globalCompositeOperation = 'destination-over';

    // grid + y labels
    ctx.strokeStyle = theme.colors.border.weak;
    ctx.fillStyle = theme.colors.text.secondary;
    ctx.lineWidth = 1;
    ctx.textAlign = 'right';
    ctx.textBaseline = 'middle';
    for (const tick of geometry.y.ticks) {
      const y = Math.round(yOf(tick)) + 0.5;
      ctx.beginPath();
      ctx.moveTo(MARGIN.left, y);
      ctx.lineTo(MARGIN.left + plotWidth, y);
      ctx.stroke();
      ctx.fillText(format(tick), MARGIN.left - 8, y);
    }
    // x labels
    const { ticks, format: timeFormat } = timeTicks(from, to, plotWidth);
    ctx.textAlign = 'center';
    ctx.textBaseline = 'top';
    for (const t of ticks) {
      const x = Math.round(xOf(t)) + 0.5;
      ctx.beginPath();
      ctx.moveTo(x, MARGIN.top);
      ctx.lineTo(x, MARGIN.top + plotHeight);
      ctx.stroke();
      const label = dateTimeFormat(t, { format: timeFormat, timeZone });
      // keep the edge labels inside the panel
      const half = ctx.measureText(label).width / 2;
      ctx.fillText(label, Math.min(Math.max(x, MARGIN.left + half), MARGIN.left + plotWidth - half), MARGIN.top + plotHeight + 6);
    }
    ctx.globalCompositeOperation = 'source-over';

    if (!raster) {
      // the first draw, or not a stack (a negative value): paths, filled by the nonzero rule
      ctx.save();
      ctx.beginPath();
      ctx.rect(MARGIN.left, MARGIN.top, plotWidth, plotHeight);
      ctx.clip();
      histogram.bands.forEach((band, b) => {
        const ys = bandYs[b]!;
        const belowYs = b > 0 ? bandYs[b - 1] : undefined;
        ctx.beginPath();
        ctx.moveTo(xs[0]!, ys[0]!);
        for (let j = 1; j < drawRows; j++) ctx.lineTo(xs[j]!, ys[j]!);
        for (let j = drawRows - 1; j >= 0; j--) ctx.lineTo(xs[j]!, belowYs ? belowYs[j]! : bottom);
        ctx.closePath();
        ctx.fillStyle = band.color;
        ctx.fill();
      });
      ctx.restore();
    }

    // thresholds (not the base step) as dashed lines in their colours
    ctx.setLineDash([6, 4]);
    for (const t of thresholds) {
      if (!Number.isFinite(t.value) || t.value <= geometry.y.min || t.value > geometry.y.max) continue;
      const y = Math.round(yOf(t.value)) + 0.5;
      ctx.strokeStyle = theme.visualization.getColorByName(t.color);
      ctx.beginPath();
      ctx.moveTo(MARGIN.left, y);
      ctx.lineTo(MARGIN.left + plotWidth, y);
      ctx.stroke();
    }
    ctx.setLineDash([]);
    signalDrawn(element.parentElement);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [geometry, width, height, theme, thresholds, timeZone, colorWords]);

  const onMove = (event: React.MouseEvent<HTMLDivElement>) => {
    const rect = event.currentTarget.getBoundingClientRect();
    const x = event.clientX - rect.left;
    if (x < MARGIN.left || x > MARGIN.left + plotWidth) return setHover(undefined);
    const time = from + ((x - MARGIN.left) / plotWidth) * (to - from);
    const row = single ? 0 : nearestRow(histogram.times, time);
    setHover(row >= 0 ? { x: single ? x : xOf(histogram.times[row]!), row } : undefined);
  };

  const tooltip = hover ? (
    <div
      className={styles.tooltip}
      data-testid="mempool-tooltip"
      style={hover.x > width / 2 ? { right: width - hover.x + 12, top: MARGIN.top } : { left: hover.x + 12, top: MARGIN.top }}
    >
      <div className={styles.tooltipHead}>
        <span>{dateTimeFormat(histogram.times[hover.row]!, { format: 'YYYY-MM-DD HH:mm', timeZone })}</span>
        <strong>{format(geometry.total[hover.row]!)}</strong>
      </div>
      {tooltipRows(histogram, hover.row, Math.max(4, Math.floor((plotHeight - 40) / 18))).map((row) => (
        <div key={row.label} className={styles.tooltipRow}>
          <span className={styles.swatch} style={{ background: row.color }} />
          <span className={styles.fee}>{row.label}</span>
          <span>{format(row.value)}</span>
        </div>
      ))}
    </div>
  ) : null;

  return (
    <div className={styles.wrap} style={{ width, height }} onMouseMove={onMove} onMouseLeave={() => setHover(undefined)} data-testid="mempool-chart">
      <canvas ref={canvas} style={{ width, height }} />
      {hover && <div className={styles.crosshair} style={{ left: hover.x, top: MARGIN.top, height: plotHeight }} />}
      {tooltip}
    </div>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  wrap: css({ position: 'relative' }),
  crosshair: css({ position: 'absolute', width: 1, background: theme.colors.text.primary, opacity: 0.6, pointerEvents: 'none' }),
  tooltip: css(tooltipBox(theme), { minWidth: 220 }),
  tooltipHead: css({ display: 'flex', justifyContent: 'space-between', gap: theme.spacing(2), marginBottom: theme.spacing(0.5), color: theme.colors.text.secondary }),
  tooltipRow: css({ display: 'grid', gridTemplateColumns: '10px 1fr auto', alignItems: 'center', gap: theme.spacing(1), lineHeight: 1.5 }),
  swatch: css({ width: 10, height: 10, borderRadius: 2 }),
  fee: css({ color: theme.colors.text.secondary }),
});
