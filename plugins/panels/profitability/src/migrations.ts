import type { PanelMigrationHandler } from '@grafana/data';
import { pick, pickBoolean } from '@nodescope/ui/savedOptions';
import { DEFAULT_PROFITABILITY_OPTIONS, PROFITABILITY_OPTIONS_SCHEMA, type ProfitabilityOptions } from './types';

const positive = (value: unknown): number | undefined => (typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : undefined);

/**
 * Brings saved options to the current schema. Before `schemaVersion` (0.0.x previews,
 * hand-written dashboards) the what-if defaults lived in `whatIf: { electricity, poolFee }`,
 * sorting was `sortDescending: boolean` and `hashpricePerPH: boolean`.
 */
export function migrateProfitabilityOptions(panel: Parameters<PanelMigrationHandler<ProfitabilityOptions>>[0]): ProfitabilityOptions {
  const saved = (panel.options ?? {}) as unknown as Record<string, unknown>;
  if (saved.schemaVersion === PROFITABILITY_OPTIONS_SCHEMA) return { ...DEFAULT_PROFITABILITY_OPTIONS, ...(saved as unknown as Partial<ProfitabilityOptions>) };
  const D = DEFAULT_PROFITABILITY_OPTIONS;
  const old = (typeof saved.whatIf === 'object' && saved.whatIf !== null ? saved.whatIf : {}) as Record<string, unknown>;
  const sort = typeof saved.sortDescending === 'boolean' ? (saved.sortDescending ? 'profit-desc' : 'profit-asc') : saved.sort;
  const maxMiners = Number(saved.maxMiners ?? D.maxMiners);
  const migrated: ProfitabilityOptions = {
    schemaVersion: PROFITABILITY_OPTIONS_SCHEMA,
    showWhatIf: pickBoolean(saved.showWhatIf, pickBoolean(saved.whatIf, D.showWhatIf)),
    sort: pick(sort, ['profit-desc', 'profit-asc', 'name'] as const, D.sort),
    maxMiners: Number.isInteger(maxMiners) && maxMiners > 0 ? Math.min(500, maxMiners) : D.maxMiners,
    showHistory: pickBoolean(saved.showHistory, D.showHistory),
    hashpriceUnit: typeof saved.hashpricePerPH === 'boolean' ? (saved.hashpricePerPH ? 'PH' : 'TH') : pick(saved.hashpriceUnit, ['TH', 'PH'] as const, D.hashpriceUnit),
  };
  const electricity = positive(saved.electricityPerKwh ?? old.electricity);
  const poolFee = positive(saved.poolFeePercent ?? old.poolFee);
  if (electricity !== undefined) migrated.electricityPerKwh = electricity;
  if (poolFee !== undefined && poolFee <= 100) migrated.poolFeePercent = poolFee;
  return migrated;
}
