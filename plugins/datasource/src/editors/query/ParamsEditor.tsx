import type { SelectableValue } from '@grafana/data';
import { InlineField, InlineFieldRow, Input, Select } from '@grafana/ui';
import React from 'react';
import { formatParamValue, type ParamRow, parseParamInput } from '../../queryParams';
import type { ParamValue } from '../../types';

interface Props {
  specs: ParamRow[];
  params: Record<string, ParamValue> | undefined;
  onChange: (params: Record<string, ParamValue>) => void;
}

/** One input per parameter the query takes; text inputs commit on blur so typing runs nothing. */
export function ParamsEditor({ specs, params = {}, onChange }: Props) {
  if (specs.length === 0) return null;
  const set = (key: string, value: ParamValue | undefined) => {
    const next = { ...params };
    if (value === undefined) delete next[key];
    else next[key] = value;
    onChange(next);
  };
  return (
    <InlineFieldRow>
      {specs.map((spec) => (
        <InlineField key={spec.key} label={spec.label} tooltip={spec.tooltip} labelWidth={spec.label.length > 12 ? 20 : 14}>
          {spec.type === 'select' ? (
            <Select
              inputId={`nodescope-param-${spec.key}`}
              width={20}
              value={formatParamValue(params[spec.key])}
              options={(spec.options ?? []).map((o): SelectableValue<string> => ({ label: o === '' ? 'any' : o, value: o }))}
              onChange={(option) => set(spec.key, option.value ? option.value : undefined)}
            />
          ) : (
            <Input
              id={`nodescope-param-${spec.key}`}
              width={spec.type === 'list' ? 22 : 16}
              placeholder={spec.placeholder}
              defaultValue={formatParamValue(params[spec.key])}
              onBlur={(event) => {
                const value = parseParamInput(spec, event.currentTarget.value);
                if (formatParamValue(value) !== formatParamValue(params[spec.key])) set(spec.key, value);
              }}
            />
          )}
        </InlineField>
      ))}
    </InlineFieldRow>
  );
}
