// Field builders the sources' frames share.
import type { FieldInput } from '@nodescope/shared';

/** A one-row field: `value` alone, with its unit and field config when given. */
export const one = (
  name: string,
  type: FieldInput['type'],
  value: unknown,
  unit?: string,
  config?: FieldInput['config']
): FieldInput => ({
  name,
  type,
  values: [value],
  ...(unit ? { unit } : {}),
  ...(config ? { config } : {}),
});
