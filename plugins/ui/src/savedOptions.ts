// Helpers for the panels' migrations.ts: saved options are untrusted JSON (hand-written or
// provisioned dashboards, old previews), so each value is checked and falls back to a default.

/** `value` when it is one of `allowed`, else `fallback`. */
export const pick = <T extends string>(value: unknown, allowed: readonly T[], fallback: T): T => (allowed.includes(value as T) ? (value as T) : fallback);

/** `value` when it is a boolean, else `fallback`. */
export const pickBoolean = (value: unknown, fallback: boolean): boolean => (typeof value === 'boolean' ? value : fallback);
