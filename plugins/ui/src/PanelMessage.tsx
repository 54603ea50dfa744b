import { css } from '@emotion/css';
import type { GrafanaTheme2, PanelData } from '@grafana/data';
import { Icon, useStyles2 } from '@grafana/ui';
import React from 'react';

/** Empty, no-data and error states, centred in the panel like Grafana's own "No data". */
export function PanelMessage({ kind, title, text }: { kind: 'empty' | 'error'; title: string; text?: string }) {
  const styles = useStyles2(getStyles);
  return (
    <div className={styles.wrap} data-testid={`panel-${kind}`} role={kind === 'error' ? 'alert' : 'status'}>
      <Icon name={kind === 'error' ? 'exclamation-triangle' : 'info-circle'} size="xl" className={kind === 'error' ? styles.error : styles.icon} />
      <div className={styles.title}>{title}</div>
      {text && <div className={styles.text}>{text}</div>}
    </div>
  );
}

/** The error state every panel shows when its query failed and left nothing to draw. */
export function QueryErrorMessage({ data }: { data: PanelData }) {
  return <PanelMessage kind="error" title="Query failed" text={data.errors?.[0]?.message ?? data.error?.message ?? 'The query returned an error.'} />;
}

const getStyles = (theme: GrafanaTheme2) => ({
  wrap: css({ height: '100%', display: 'flex', flexDirection: 'column', alignItems: 'center', justifyContent: 'center', gap: theme.spacing(1), padding: theme.spacing(2), textAlign: 'center' }),
  icon: css({ color: theme.colors.text.secondary }),
  error: css({ color: theme.colors.error.text }),
  title: css({ fontSize: theme.typography.h5.fontSize, color: theme.colors.text.primary }),
  text: css({ maxWidth: 520, color: theme.colors.text.secondary, fontSize: theme.typography.bodySmall.fontSize }),
});
