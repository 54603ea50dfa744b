// Style pieces the panels share, as the first argument of their own css(piece, { ...overrides })
// calls, so a tooltip or a caption looks the same in every nodescope panel.
import type { GrafanaTheme2 } from '@grafana/data';

/** The box of a hover tooltip floating over a chart; the caller positions it and sets its width. */
export const tooltipBox = (theme: GrafanaTheme2) =>
  ({
    position: 'absolute',
    zIndex: 2,
    pointerEvents: 'none',
    padding: theme.spacing(1),
    background: theme.colors.background.elevated,
    border: `1px solid ${theme.colors.border.weak}`,
    borderRadius: theme.shape.radius.default,
    boxShadow: theme.shadows.z3,
    fontSize: theme.typography.bodySmall.fontSize,
  }) as const;

/** The small upper-case caption over a group of values (side column, what-if, chart titles). */
export const caption = (theme: GrafanaTheme2) => ({ color: theme.colors.text.secondary, textTransform: 'uppercase', fontSize: 10, letterSpacing: 0.5 }) as const;
