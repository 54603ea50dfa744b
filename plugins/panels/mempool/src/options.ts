import type { PanelOptionsEditorBuilder } from '@grafana/data';
import { DEFAULT_MEMPOOL_OPTIONS as D, type MempoolOptions } from './types';

export function buildMempoolOptions(builder: PanelOptionsEditorBuilder<MempoolOptions>): PanelOptionsEditorBuilder<MempoolOptions> {
  const hasBlocks = (o: MempoolOptions) => o.showBlocks;
  return builder
    .addRadio({
      path: 'metric',
      name: 'Metric',
      description: 'Virtual size or transaction count per fee band, when the query returns both',
      defaultValue: D.metric,
      settings: { options: [{ value: 'auto', label: 'Auto' }, { value: 'vsize', label: 'vBytes' }, { value: 'count', label: 'Transactions' }] },
    })
    .addRadio({
      path: 'scale',
      name: 'Y scale',
      defaultValue: D.scale,
      settings: { options: [{ value: 'linear', label: 'Linear' }, { value: 'log', label: 'Log' }] },
    })
    .addRadio({
      path: 'bandGrouping',
      name: 'Fee bands',
      description: 'Merge adjacent bands into wider ones',
      defaultValue: D.bandGrouping,
      settings: { options: [{ value: 'none', label: 'All 39 (mempool.space)' }, { value: 'coarse', label: 'Merged (13)' }] },
    })
    .addRadio({
      path: 'legend',
      name: 'Legend',
      defaultValue: D.legend,
      settings: { options: [{ value: 'right', label: 'Right' }, { value: 'bottom', label: 'Bottom' }, { value: 'hidden', label: 'Hidden' }] },
    })
    .addBooleanSwitch({ path: 'showThresholds', name: 'Show thresholds', description: 'Threshold steps from Standard options as dashed lines', defaultValue: D.showThresholds })
    .addBooleanSwitch({ path: 'showBlocks', name: 'Projected blocks', description: 'Strip of the next blocks when a mempool.blocks frame is present', defaultValue: D.showBlocks, category: ['Projected blocks'] })
    .addSliderInput({ path: 'maxBlocks', name: 'Blocks shown', defaultValue: D.maxBlocks, settings: { min: 1, max: 12, step: 1 }, showIf: hasBlocks, category: ['Projected blocks'] });
}
