import { css } from '@emotion/css';
import { type DisplayProcessor, type Field, formattedValueToString, getDisplayProcessor, getValueFormat, type GrafanaTheme2, LoadingState, type PanelProps } from '@grafana/data';
import { currencyUnit, hashpricePerThDay, joulesPerTerahash, PROFIT_FIELDS } from '@nodescope/shared';
import { caption, PanelMessage, QueryErrorMessage, signalDrawn } from '@nodescope/ui';
import { useStyles2, useTheme2 } from '@grafana/ui';
import React, { useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import { HistoryChart } from './components/HistoryChart';
import { Kpi } from './components/Kpi';
import { MinerBars } from './components/MinerBars';
import { TariffPeriods } from './components/TariffPeriods';
import { WhatIfControls } from './components/WhatIfControls';
import { computeFleet, type Market, readForward, readHistory, readMarket, readMiners, readTariffs, sortMiners, type WhatIfSettings } from './profit';
import type { ProfitabilityOptions } from './types';

const btc = getValueFormat('currencyBTC');
const fixed = (v: number | null, digits: number) => (v === null ? '—' : v.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits }));

function startSettings(market: Market | undefined, options: ProfitabilityOptions): WhatIfSettings {
  return {
    electricityPerKwh: options.electricityPerKwh ?? market?.electricityPerKwh ?? 0.08,
    poolFeePercent: options.poolFeePercent ?? market?.poolFeePercent ?? 2,
    joulesPerTh: null,
  };
}

export function ProfitabilityPanel({ data, options, width, height, timeZone }: PanelProps<ProfitabilityOptions>) {
  const theme = useTheme2();
  const styles = useStyles2(getStyles);
  const root = useRef<HTMLDivElement>(null);
  const market = useMemo(() => readMarket(data.series), [data.series]);
  const miners = useMemo(() => readMiners(data.series), [data.series]);
  const tariffs = useMemo(() => readTariffs(data.series), [data.series]);
  const forward = useMemo(() => readForward(data.series), [data.series]);
  const history = useMemo(() => (options.showHistory ? readHistory(data.series) : []), [data.series, options.showHistory]);
  const initial = useMemo(() => startSettings(market, options), [market, options]);
  const [settings, setSettings] = useState<WhatIfSettings>(initial);
  // new source settings or panel defaults restart the what-if from them
  useEffect(() => setSettings(initial), [initial]);

  const profitField = useMemo(() => data.series.flatMap((f) => f.fields).find((f) => f.name === PROFIT_FIELDS.profitPerDay), [data.series]);
  const money: DisplayProcessor = useMemo(() => {
    const base: Field = profitField ?? ({ name: PROFIT_FIELDS.profitPerDay, type: 'number', values: [], config: {} } as unknown as Field);
    const unit = base.config.unit ?? currencyUnit(market?.currency ?? 'usd');
    return getDisplayProcessor({ field: { ...base, config: { ...base.config, unit, decimals: base.config.decimals ?? 2 } }, theme });
  }, [profitField, market?.currency, theme]);
  const bigMoney = useMemo(() => {
    const unit = profitField?.config.unit ?? currencyUnit(market?.currency ?? 'usd');
    return getValueFormat(unit);
  }, [profitField, market?.currency]);
  const fleet = useMemo(() => (market && miners ? computeFleet(market, miners, settings) : undefined), [market, miners, settings]);
  const sorted = useMemo(() => (fleet ? sortMiners(fleet.miners, options.sort) : []), [fleet, options.sort]);

  useLayoutEffect(() => signalDrawn(root.current));

  if (data.state === LoadingState.Error && !market) {
    return <QueryErrorMessage data={data} />;
  }
  if (!market) {
    return (
      <PanelMessage
        kind="empty"
        title="No market data"
        text="Query the nodescope profitability source: `market` (price, difficulty, halving) and `miners` (per-miner revenue and power); `fleet.history` adds the P&L chart, `tariffs` the time-of-use periods, `hashprice.forward` the forward hashprice."
      />
    );
  }

  const text = (v: number | null, format = money) => (v === null ? '—' : formattedValueToString(format(v)));
  const noDecimals = (v: number | null) => (v === null ? '—' : formattedValueToString(bigMoney(v, 0)));
  const perUnit = options.hashpriceUnit === 'PH' ? 1000 : 1;
  const symbol = money(0).prefix ?? '';
  const changed = settings.electricityPerKwh !== initial.electricityPerKwh || settings.poolFeePercent !== initial.poolFeePercent || settings.joulesPerTh !== null;
  const wide = width >= 760;
  const sideWidth = wide ? Math.min(440, Math.floor(width * 0.42)) : width - 16;

  return (
    <div ref={root} className={styles.panel} data-testid="profitability-panel">
      <div className={styles.kpis}>
        {fleet && (
          <>
            <Kpi testId="kpi-profit" label={`Profit / day${changed ? ' (what if)' : ''}`} value={text(fleet.profitPerDay)} color={money(fleet.profitPerDay).color} note={`margin ${fleet.marginPercent === null ? '—' : `${fleet.marginPercent.toFixed(1)} %`}`} />
            <Kpi testId="kpi-revenue" label="Revenue / day" value={text(fleet.revenuePerDay)} note={formattedValueToString(btc(fleet.btcPerDay, 6))} />
            <Kpi testId="kpi-cost" label="Electricity / day" value={text(fleet.costPerDay)} note={`${fixed((fleet.powerWatts * 24) / 1000, 0)} kWh at ${symbol}${settings.electricityPerKwh.toFixed(3)}`} />
            <Kpi testId="kpi-breakeven-kwh" label="Break-even power" value={fleet.breakEvenPerKwh === null ? '—' : `${symbol}${fleet.breakEvenPerKwh.toFixed(3)}`} note="per kWh" />
            <Kpi testId="kpi-breakeven-price" label="Break-even BTC price" value={noDecimals(fleet.breakEvenPrice)} note={`now ${noDecimals(market.price)}`} />
          </>
        )}
        <Kpi testId="kpi-hashprice" label="Hashprice" value={text(hashpricePerThDay(market.difficulty, market.blockReward, market.price) * perUnit)} note={`per ${options.hashpriceUnit}/s per day`} />
        <Kpi testId="kpi-halving" label="Next halving" value={market.daysToHalving === null ? '—' : `${fixed(market.daysToHalving, 0)} days`} note={market.blocksToHalving === null ? undefined : `${market.blocksToHalving.toLocaleString('en-US')} blocks`} />
        <Kpi
          testId="kpi-retarget"
          label="Difficulty adjustment"
          value={market.daysToRetarget === null ? '—' : `${fixed(market.daysToRetarget, 1)} days`}
          note={`${market.blocksToRetarget?.toLocaleString('en-US') ?? '—'} blocks${market.difficultyChangePercent === null ? '' : ` · ${market.difficultyChangePercent > 0 ? '+' : ''}${market.difficultyChangePercent.toFixed(2)} %`}`}
        />
      </div>
      <div className={wide ? styles.bodyWide : styles.bodyNarrow}>
        <div className={styles.bars}>
          <div className={styles.section}>Profit per miner / day</div>
          {fleet && fleet.miners.length > 0 ? <MinerBars miners={sorted} money={money} max={options.maxMiners} /> : <div className={styles.muted}>No miners in the data (query `miners`).</div>}
        </div>
        <div className={styles.side} style={{ width: sideWidth }}>
          {history.length > 1 && (
            <>
              <div className={styles.section}>Fleet P&amp;L per day</div>
              <HistoryChart points={history} width={sideWidth} height={Math.max(120, Math.min(200, height * 0.3))} money={money} timeZone={timeZone} />
            </>
          )}
          {options.showWhatIf && fleet && (
            <WhatIfControls
              value={settings}
              fleetJoulesPerTh={fleetJoulesPerTh(fleet.hashrate, miners ?? [])}
              currencySymbol={symbol}
              changed={changed}
              onChange={setSettings}
              onReset={() => setSettings(initial)}
            />
          )}
        </div>
      </div>
      {(tariffs.length > 0 || forward) && (
        <div className={styles.energy}>
          {forward && (
            <div className={styles.forward}>
              <Kpi
                testId="kpi-forward-hashprice"
                label="Forward hashprice"
                title={`Next ${forward.blocks} blocks at the fees waiting in the mempool, against the 144-block hashprice ${text(forward.trailing * perUnit)}`}
                value={text(forward.forward * perUnit)}
                color={forward.premiumPercent !== null && forward.premiumPercent > 0 ? theme.colors.success.text : undefined}
                note={`next ${forward.blocks} blocks${forward.premiumPercent === null ? '' : ` · ${forward.premiumPercent > 0 ? '+' : ''}${forward.premiumPercent.toFixed(1)} %`}`}
              />
              <Kpi
                testId="kpi-forward-fees"
                label="Fees per block"
                value={forward.forwardFeesPerBlock === null ? '—' : `${forward.forwardFeesPerBlock.toFixed(3)} BTC`}
                note={`144-block ${forward.trailingFeesPerBlock === null ? '—' : `${forward.trailingFeesPerBlock.toFixed(3)} BTC`}`}
              />
            </div>
          )}
          {tariffs.length > 0 && (
            <div className={styles.tariffs}>
              <div className={styles.section}>Tariff periods · profit per hour at the 144-block hashprice{forward ? ', forward per kWh at the projected fees' : ''}</div>
              <TariffPeriods rows={tariffs} money={money} currencySymbol={symbol} />
            </div>
          )}
        </div>
      )}
    </div>
  );
}

/** Efficiency of the online miners as reported (W per TH/s). */
function fleetJoulesPerTh(hashrate: number, miners: Array<{ status: string; powerWatts: number }>): number | null {
  return joulesPerTerahash(miners.filter((m) => m.status === 'online').reduce((s, m) => s + m.powerWatts, 0), hashrate);
}

const getStyles = (theme: GrafanaTheme2) => ({
  panel: css({ display: 'flex', flexDirection: 'column', gap: theme.spacing(1.5), height: '100%', overflow: 'auto' }),
  kpis: css({ display: 'grid', gridTemplateColumns: 'repeat(auto-fit, minmax(140px, 1fr))', gap: theme.spacing(1) }),
  bodyWide: css({ display: 'flex', gap: theme.spacing(2), flex: '1 1 auto', minHeight: 0 }),
  bodyNarrow: css({ display: 'flex', flexDirection: 'column', gap: theme.spacing(2) }),
  bars: css({ flex: '1 1 auto', minWidth: 0, overflowY: 'auto' }),
  side: css({ flex: '0 0 auto', display: 'flex', flexDirection: 'column', gap: theme.spacing(1) }),
  section: css(caption(theme), { marginBottom: theme.spacing(0.5) }),
  energy: css({ display: 'flex', gap: theme.spacing(2), flexWrap: 'wrap', alignItems: 'flex-start' }),
  forward: css({ display: 'grid', gridTemplateColumns: 'repeat(2, minmax(140px, 1fr))', gap: theme.spacing(1), flex: '0 0 auto' }),
  tariffs: css({ flex: '1 1 520px', minWidth: 0 }),
  muted: css({ color: theme.colors.text.secondary, fontSize: theme.typography.bodySmall.fontSize }),
});
