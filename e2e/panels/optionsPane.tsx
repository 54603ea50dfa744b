// Panel edit as Grafana lays it out: the panel on the left, the options pane on the right. The
// pane is built like Grafana's getVisualizationOptions2: the plugin's own options supplier fills
// a PanelOptionsEditorBuilder, items are grouped by category (uncategorised ones under the
// plugin's name), hidden by showIf, and each item's editor gets its value, settings and an
// onChange that writes the path immutably into the panel's options.
import { css } from '@emotion/css';
import { type GrafanaTheme2, type PanelData, PanelOptionsEditorBuilder, type PanelOptionsEditorItem } from '@grafana/data';
import { Field, useStyles2 } from '@grafana/ui';
import { cloneDeep, get, set } from 'lodash';
import React, { useMemo, useState } from 'react';
import { type LoadedPanel, type PanelState, PanelView } from './host';
// @grafana/ui's Slider imports rc-slider's base stylesheet (rail, handle sizes); Grafana's
// webpack injects it, this host's esbuild loads .css as text, so the page adds it itself
import sliderCss from '@rc-component/slider/assets/index.css';

const sliderStyle = document.createElement('style');
sliderStyle.textContent = sliderCss;
document.head.appendChild(sliderStyle);

type Options = Record<string, unknown>;

export function optionItems(loaded: LoadedPanel, options: Options, data: PanelData): PanelOptionsEditorItem[] {
  const builder = new PanelOptionsEditorBuilder<Options>();
  loaded.plugin.getPanelOptionsSupplier()(builder as never, { data: data.series, options } as never);
  return builder.getItems() as PanelOptionsEditorItem[];
}

/** Category name -> items, in declaration order, as the options pane groups them. */
export function byCategory(items: PanelOptionsEditorItem[], pluginName: string): Array<[string, PanelOptionsEditorItem[]]> {
  const groups = new Map<string, PanelOptionsEditorItem[]>();
  for (const item of items) {
    const category = item.category?.[0] ?? pluginName;
    groups.set(category, [...(groups.get(category) ?? []), item]);
  }
  return [...groups];
}

function OptionsPane({ loaded, options, data, onChange }: { loaded: LoadedPanel; options: Options; data: PanelData; onChange(options: Options): void }) {
  const styles = useStyles2(getStyles);
  const groups = useMemo(() => byCategory(optionItems(loaded, options, data), loaded.meta.name), [loaded, options, data]);
  return (
    <div className={styles.pane} data-testid="options-pane" aria-label="Panel options">
      {groups.map(([category, items]) => (
        <section key={category} className={styles.category} data-testid={`options-category ${category}`}>
          <h6 className={styles.heading}>{category}</h6>
          {items
            .filter((item) => !item.showIf || item.showIf(options, data.series))
            .map((item) => {
              const Editor = item.editor;
              const id = `option-${item.path}`;
              return (
                <div key={item.id} data-testid={`option ${item.path}`}>
                  <Field label={item.name} description={item.description} htmlFor={id}>
                    <Editor
                      id={id}
                      value={get(options, item.path)}
                      item={item}
                      context={{ data: data.series, options }}
                      onChange={(value: unknown) => onChange(set(cloneDeep(options), item.path, value))}
                    />
                  </Field>
                </div>
              );
            })}
        </section>
      ))}
    </div>
  );
}

/** The panel beside its options pane; every change re-renders the panel and lands in body.dataset.options. */
export function PanelEditView({ loaded, state, data, width, height, title, theme }: { loaded: LoadedPanel; state: PanelState; data: PanelData; width: number; height: number; title: string; theme: GrafanaTheme2 }) {
  const [options, setOptions] = useState(state.options);
  const change = (next: Options) => {
    document.body.dataset.options = JSON.stringify(next);
    setOptions(next);
  };
  return (
    <div style={{ display: 'flex', gap: 16, alignItems: 'flex-start' }}>
      <PanelView loaded={loaded} state={state} options={options} onOptionsChange={change} data={data} width={width} height={height} title={title} theme={theme} />
      <OptionsPane loaded={loaded} options={options} data={data} onChange={change} />
    </div>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  pane: css({
    width: 400,
    flex: '0 0 auto',
    background: theme.colors.background.primary,
    border: `1px solid ${theme.colors.border.weak}`,
    borderRadius: theme.shape.radius.default,
  }),
  category: css({ padding: theme.spacing(1, 2, 0.5), borderBottom: `1px solid ${theme.colors.border.weak}`, '&:last-child': { borderBottom: 'none' } }),
  heading: css({ fontSize: theme.typography.h6.fontSize, fontWeight: theme.typography.fontWeightMedium, margin: theme.spacing(0.5, 0, 1.5) }),
});
