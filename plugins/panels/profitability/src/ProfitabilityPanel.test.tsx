import { type DataFrame, LoadingState, type PanelData } from '@grafana/data';
import { renderGrafanaPanel } from '@nodescope/ui/testing';
import { cleanup, fireEvent, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { ProfitabilityPanel } from './ProfitabilityPanel';
import { forwardFrame, historyFrame, marketFrame, minersFrame, TARIFFS, tariffsFrame } from './testing';
import { DEFAULT_PROFITABILITY_OPTIONS, type ProfitabilityOptions } from './types';

afterEach(cleanup);

function renderPanel(series: DataFrame[], options: Partial<ProfitabilityOptions> = {}, data: Partial<PanelData> = {}, mode: 'dark' | 'light' = 'dark') {
  return renderGrafanaPanel(ProfitabilityPanel, { series, options: { ...DEFAULT_PROFITABILITY_OPTIONS, ...options }, width: 1100, height: 600, data, mode });
}

const all = () => [marketFrame(), minersFrame(), historyFrame()];

describe('ProfitabilityPanel', () => {
  it.each(['dark', 'light'] as const)('shows fleet P&L, sorted miner bars, halving and retarget (%s)', (mode) => {
    renderPanel(all(), {}, {}, mode);
    expect(screen.getAllByTestId('miner-bar').map((b) => b.textContent)).toEqual([
      expect.stringContaining('rig-1'),
      expect.stringContaining('rig-4'),
      expect.stringContaining('rig-2'),
      expect.stringContaining('rig-3'),
    ]);
    expect(screen.getByTestId('kpi-halving')).toHaveTextContent('1,166 days');
    expect(screen.getByTestId('kpi-retarget')).toHaveTextContent('2.5 days');
    expect(screen.getByTestId('kpi-retarget')).toHaveTextContent('-1.50 %');
    // hashprice per PH/s per day: 0.0629 $/TH -> $62.86
    expect(screen.getByTestId('kpi-hashprice')).toHaveTextContent('$62.86');
    expect(screen.getByTestId('history-chart')).toBeInTheDocument();
    expect(screen.getByTestId('kpi-profit')).toHaveTextContent('$');
  });

  it('what-if: moving the electricity slider recomputes profit in the browser', () => {
    renderPanel(all());
    const before = screen.getByTestId('kpi-profit').textContent;
    fireEvent.change(screen.getByLabelText('Electricity price per kWh'), { target: { value: '0.02' } });
    expect(screen.getByTestId('kpi-profit').textContent).not.toBe(before);
    expect(screen.getByTestId('kpi-profit')).toHaveTextContent('what if');
    expect(screen.getByTestId('kpi-cost')).toHaveTextContent('kWh at $0.020');
    fireEvent.click(screen.getByRole('button', { name: /reset/i }));
    expect(screen.getByTestId('kpi-profit').textContent).toBe(before);
  });

  it('money follows the profit field config: EUR, no decimals; thresholds colour the bars', () => {
    const miners = minersFrame();
    const profit = miners.fields.find((f) => f.name === 'profitPerDay')!;
    profit.config = { unit: 'currencyEUR', decimals: 0, thresholds: { mode: 'absolute' as never, steps: [{ value: -Infinity, color: 'purple' }, { value: 1, color: 'blue' }] } };
    renderPanel([marketFrame(), miners]);
    expect(screen.getByTestId('kpi-revenue').textContent).toMatch(/€\d+$|€\d+\D/);
    expect(screen.getByTestId('kpi-revenue').textContent).not.toMatch(/€\d+\.\d/);
    const bars = screen.getAllByTestId('miner-bar');
    const colour = (bar: HTMLElement) => (bar.querySelector('[style*="background"]') as HTMLElement).style.background;
    expect(colour(bars[0]!)).not.toBe(colour(bars[bars.length - 1]!));
  });

  it('uses the panel option as the starting electricity price', () => {
    renderPanel(all(), { electricityPerKwh: 0.05 });
    expect(screen.getByTestId('kpi-cost')).toHaveTextContent('kWh at $0.050');
  });

  it.each([
    ['no what-if', { showWhatIf: false }, 'whatif', 0],
    ['no history', { showHistory: false }, 'history-chart', 0],
    ['two miners at most', { maxMiners: 2 }, 'miner-bar', 2],
  ])('options: %s', (_name, options, testId, count) => {
    renderPanel(all(), options);
    expect(screen.queryAllByTestId(testId)).toHaveLength(count);
  });

  it('market only: market figures, and a hint for miners', () => {
    renderPanel([marketFrame()]);
    expect(screen.getByTestId('kpi-hashprice')).toBeInTheDocument();
    expect(screen.queryByTestId('kpi-profit')).toBeNull();
    expect(screen.getByText(/No miners in the data/)).toBeInTheDocument();
  });

  it.each(['dark', 'light'] as const)('tariff periods and forward hashprice: the period in force, the stop-curtailing signal (%s)', (mode) => {
    renderPanel([...all(), tariffsFrame(), forwardFrame()], {}, {}, mode);
    // per PH/s per day: 0.1232139766 · 1000 = $123.21 against $65.38, +88.5 %
    expect(screen.getByTestId('kpi-forward-hashprice')).toHaveTextContent('$123.21');
    expect(screen.getByTestId('kpi-forward-hashprice')).toHaveTextContent('next 3 blocks · +88.5 %');
    expect(screen.getByTestId('kpi-forward-hashprice')).toHaveAttribute('title', expect.stringContaining('144-block hashprice $65.38'));
    expect(screen.getByTestId('kpi-forward-fees')).toHaveTextContent('3.000 BTC');
    expect(screen.getByTestId('kpi-forward-fees')).toHaveTextContent('144-block 0.125 BTC');
    const rows = screen.getAllByTestId('tariff-row');
    expect(rows.map((r) => r.textContent)).toEqual([
      expect.stringMatching(/^base\$0\.08092\$0\.01\$97,392\$0\.155$/),
      expect.stringMatching(/^peaknowcurtailedfees beat price\$0\.12020 \(10 off\)-\$0\.12\$146,087\$0\.155$/),
      expect.stringMatching(/^night\$0\.05056\$0\.10\$60,870\$0\.155$/),
    ]);
    expect(rows[1]).toHaveAttribute('aria-current', 'true');
    expect(screen.getByTestId('stop-curtailing')).toHaveTextContent('Fees are high: farm-a earns $0.155/kWh at the projected fees, above the peak price of $0.120 — stop curtailing');
  });

  it('no signal banner when the period in force does not ask to stop curtailing', () => {
    renderPanel([...all(), tariffsFrame(TARIFFS.map((r) => ({ ...r, stop: false })))]);
    expect(screen.getAllByTestId('tariff-row')).toHaveLength(3);
    expect(screen.queryByTestId('stop-curtailing')).toBeNull();
    expect(screen.queryByTestId('kpi-forward-hashprice')).toBeNull();
  });

  it('empty state names the queries', () => {
    renderPanel([]);
    expect(screen.getByTestId('panel-empty')).toHaveTextContent('No market data');
  });

  it('shows the query error', () => {
    renderPanel([], {}, { state: LoadingState.Error, errors: [{ message: 'price APIs unreachable' }] });
    expect(screen.getByRole('alert')).toHaveTextContent('price APIs unreachable');
  });
});
