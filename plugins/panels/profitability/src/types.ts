// Saved panel options of nodescope-profitability-panel (readable strings; see migrations.ts).
export const PROFITABILITY_OPTIONS_SCHEMA = 1;

export type MinerSort = 'profit-desc' | 'profit-asc' | 'name';
export type HashpriceUnit = 'TH' | 'PH';

export interface ProfitabilityOptions {
  schemaVersion: number;
  showWhatIf: boolean;
  /** starting what-if electricity price; empty = the source's configured price */
  electricityPerKwh?: number;
  /** starting what-if pool fee; empty = the source's */
  poolFeePercent?: number;
  sort: MinerSort;
  maxMiners: number;
  showHistory: boolean;
  hashpriceUnit: HashpriceUnit;
}

export const DEFAULT_PROFITABILITY_OPTIONS: ProfitabilityOptions = {
  schemaVersion: PROFITABILITY_OPTIONS_SCHEMA,
  showWhatIf: true,
  sort: 'profit-desc',
  maxMiners: 24,
  showHistory: true,
  hashpriceUnit: 'PH',
};
