// The query editor's params rows, drawn from the shared catalog (@nodescope/shared CATALOG): the
// same spec the proxy checks params with, so the editor offers exactly what a query takes.
import { querySpec, type ParamSpec, type SourceKind, type VariableName } from '@nodescope/shared';
import type { ParamValue } from './types';

/** One row of the params editor. */
export interface ParamRow {
  key: string;
  label: string;
  type: 'number' | 'string' | 'list' | 'select' | 'boolean';
  options?: readonly string[];
  placeholder?: string;
  tooltip?: string;
  /** values for this param can be listed by this template variable (/api/variables) */
  variable?: VariableName;
}

function row(key: string, spec: ParamSpec): ParamRow {
  const shown = {
    key,
    label: spec.label,
    ...(spec.placeholder !== undefined ? { placeholder: spec.placeholder } : {}),
    ...(spec.description !== undefined ? { tooltip: spec.required ? `${spec.description} (required)` : spec.description } : {}),
    ...(spec.variable !== undefined ? { variable: spec.variable } : {}),
  };
  switch (spec.type) {
    case 'number':
    case 'integer':
      return { ...shown, type: 'number' };
    case 'enum':
      // with no default, '' (shown as "any") leaves the param out
      return { ...shown, type: 'select', options: spec.default !== undefined ? spec.values : ['', ...spec.values] };
    case 'list':
      return { ...shown, type: 'list' };
    case 'boolean':
      return { ...shown, type: 'boolean' };
    case 'string':
      return { ...shown, type: 'string' };
  }
}

/** The rows of a query of a kind; none for an unknown kind or query. */
export function paramsFor(kind: SourceKind | undefined, query: string): ParamRow[] {
  const spec = kind ? querySpec(kind, query) : undefined;
  return spec ? Object.entries(spec.params).map(([key, param]) => row(key, param)) : [];
}

/** Turns what the user typed into the value sent to the proxy; empty input removes the param. */
export function parseParamInput(spec: Pick<ParamRow, 'type'>, text: string): ParamValue | undefined {
  const trimmed = text.trim();
  if (trimmed === '') return undefined;
  switch (spec.type) {
    case 'number':
      // a template variable stays text until interpolation
      return /^-?\d+(\.\d+)?$/.test(trimmed) ? Number(trimmed) : trimmed;
    case 'list':
      return trimmed
        .split(',')
        .map((item) => item.trim())
        .filter(Boolean);
    case 'boolean':
      return trimmed === 'true';
    default:
      return trimmed;
  }
}

export function formatParamValue(value: ParamValue | undefined): string {
  if (value === undefined) return '';
  return Array.isArray(value) ? value.join(',') : String(value);
}
