import { css } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import { useStyles2 } from '@grafana/ui';
import React from 'react';

/** One figure with its label and a small note (stat-panel look, theme colours). */
export function Kpi({ label, value, note, color, testId, title }: { label: string; value: string; note?: string; color?: string; testId?: string; title?: string }) {
  const styles = useStyles2(getStyles);
  return (
    <div className={styles.card} data-testid={testId} title={title}>
      <div className={styles.label}>{label}</div>
      <div className={styles.value} style={color ? { color } : undefined}>
        {value}
      </div>
      {note && <div className={styles.note}>{note}</div>}
    </div>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  card: css({ padding: theme.spacing(1, 1.5), background: theme.colors.background.secondary, borderRadius: theme.shape.radius.default, minWidth: 0 }),
  label: css({ color: theme.colors.text.secondary, fontSize: 11, whiteSpace: 'nowrap', overflow: 'hidden', textOverflow: 'ellipsis' }),
  value: css({ fontSize: 22, lineHeight: 1.25, fontWeight: theme.typography.fontWeightMedium, fontVariantNumeric: 'tabular-nums', whiteSpace: 'nowrap', overflow: 'hidden', textOverflow: 'ellipsis' }),
  note: css({ color: theme.colors.text.secondary, fontSize: 11, whiteSpace: 'nowrap', overflow: 'hidden', textOverflow: 'ellipsis' }),
});
