import { css } from '@emotion/css';
import { type GrafanaTheme2, getDisplayProcessor, LoadingState, type PanelProps, type Threshold } from '@grafana/data';
import { useStyles2, useTheme2 } from '@grafana/ui';
import { PanelMessage, QueryErrorMessage } from '@nodescope/ui';
import React, { useMemo } from 'react';
import { FeeLegend } from './components/FeeLegend';
import { MempoolChart } from './components/MempoolChart';
import { ProjectedBlocks } from './components/ProjectedBlocks';
import { groupBands, readHistogram } from './histogram';
import { readProjectedBlocks } from './projectedBlocks';
import type { MempoolOptions } from './types';

const BLOCKS_HEIGHT = 146;
const LEGEND_BOTTOM_HEIGHT = 44;
const LEGEND_RIGHT_WIDTH = 92;

export function MempoolPanel({ data, options, width, height, timeZone }: PanelProps<MempoolOptions>) {
  const theme = useTheme2();
  const styles = useStyles2(getStyles);
  const histogram = useMemo(() => {
    const read = readHistogram(data.series, options.metric);
    return read && groupBands(read, options.bandGrouping);
  }, [data.series, options.metric, options.bandGrouping]);
  const blocks = useMemo(() => (options.showBlocks ? readProjectedBlocks(data.series) : undefined), [data.series, options.showBlocks]);

  const valueField = histogram?.valueField;
  const display = useMemo(() => {
    if (!valueField) return undefined;
    // Prometheus series carry no unit: vbytes (or a count) unless the panel's field config says otherwise
    const unit = valueField.config.unit ?? (histogram?.kind === 'count' ? 'short' : 'si:vB');
    return getDisplayProcessor({ field: { ...valueField, config: { ...valueField.config, unit } }, theme });
  }, [valueField, histogram?.kind, theme]);
  const thresholds: Threshold[] = useMemo(
    () => (options.showThresholds ? (valueField?.config.thresholds?.steps ?? []).filter((s) => Number.isFinite(s.value)) : []),
    [valueField, options.showThresholds]
  );

  if (data.state === LoadingState.Error && !histogram) {
    return <QueryErrorMessage data={data} />;
  }
  if (!histogram || histogram.times.length === 0 || !display) {
    if (blocks && blocks.length > 0) {
      return (
        <div className={styles.panel}>
          <ProjectedBlocks blocks={blocks} max={options.maxBlocks} />
        </div>
      );
    }
    return (
      <PanelMessage
        kind="empty"
        title={histogram ? 'No data in the time range' : 'No fee histogram in the data'}
        text={
          histogram
            ? 'The fee-band series are present but have no points in this time range.'
            : 'Query nodescope `mempool.histogram` (and `mempool.blocks` for the projected blocks), or Prometheus `bitcoin_mempool_fee_band_vsize` with one series per `band` label.'
        }
      />
    );
  }

  const showStrip = Boolean(blocks && blocks.length > 0);
  const legend = options.legend;
  const chartWidth = width - (legend === 'right' ? LEGEND_RIGHT_WIDTH : 0);
  const chartHeight = height - (showStrip ? BLOCKS_HEIGHT : 0) - (legend === 'bottom' ? LEGEND_BOTTOM_HEIGHT : 0);
  return (
    <div className={styles.panel} data-testid="mempool-panel" data-origin={histogram.origin} data-kind={histogram.kind}>
      {showStrip && <ProjectedBlocks blocks={blocks!} max={options.maxBlocks} />}
      <div className={styles.row}>
        <MempoolChart
          histogram={histogram}
          width={chartWidth}
          height={Math.max(60, chartHeight)}
          scale={options.scale}
          display={display}
          thresholds={thresholds}
          timeZone={timeZone}
        />
        {legend === 'right' && <FeeLegend bands={histogram.bands} placement="right" height={chartHeight} />}
      </div>
      {legend === 'bottom' && <FeeLegend bands={histogram.bands} placement="bottom" height={LEGEND_BOTTOM_HEIGHT} />}
    </div>
  );
}

const getStyles = (_theme: GrafanaTheme2) => ({
  panel: css({ display: 'flex', flexDirection: 'column', width: '100%', height: '100%', overflow: 'hidden' }),
  row: css({ display: 'flex', flex: '1 1 auto', minHeight: 0 }),
});
