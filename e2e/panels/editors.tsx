// The standard option editors Grafana's app registers (public/app/core/components/OptionsUI/
// registry.tsx) for the ids the nodescope panels' builders use, rebuilt from the same @grafana/ui
// controls: boolean -> Switch, radio -> RadioButtonGroup, select -> Select, number -> a number
// Input that commits on blur or Enter (NumberValueEditor), slider -> Slider, text -> Input.
import type { SelectableValue, StandardEditorProps } from '@grafana/data';
import { Input, RadioButtonGroup, Select, Slider, Switch } from '@grafana/ui';
import React, { useEffect, useState } from 'react';

type Props<V, S = Record<string, unknown>> = StandardEditorProps<V, S>;
type Choices = { options?: Array<SelectableValue<unknown>> };

function BooleanEditor({ value, onChange, id }: Props<boolean>) {
  return <Switch id={id} value={Boolean(value)} onChange={(e) => onChange(e.currentTarget.checked)} />;
}

function RadioEditor({ value, onChange, item }: Props<unknown, Choices>) {
  return <RadioButtonGroup value={value} options={item.settings?.options ?? []} onChange={(v) => onChange(v)} fullWidth />;
}

function SelectEditor({ value, onChange, item, id }: Props<unknown, Choices>) {
  return <Select inputId={id} value={value} options={item.settings?.options ?? []} onChange={(option: SelectableValue<unknown>) => onChange(option?.value)} />;
}

/** Like Grafana's NumberValueEditor: empty means unset, the value commits on blur or Enter. */
function NumberEditor({ value, onChange, item, id }: Props<number | undefined, { min?: number; max?: number; step?: number; integer?: boolean; placeholder?: string }>) {
  const settings = item.settings ?? {};
  const [text, setText] = useState(value === undefined || value === null ? '' : String(value));
  useEffect(() => setText(value === undefined || value === null ? '' : String(value)), [value]);
  const commit = () => {
    const trimmed = text.trim();
    if (trimmed === '') return onChange(undefined);
    let parsed = settings.integer ? parseInt(trimmed, 10) : parseFloat(trimmed);
    if (!Number.isFinite(parsed)) return setText(value === undefined ? '' : String(value));
    if (settings.min !== undefined) parsed = Math.max(settings.min, parsed);
    if (settings.max !== undefined) parsed = Math.min(settings.max, parsed);
    setText(String(parsed));
    if (parsed !== value) onChange(parsed);
  };
  return (
    <Input
      id={id}
      type="number"
      value={text}
      min={settings.min}
      max={settings.max}
      step={settings.step ?? (settings.integer ? 1 : 'any')}
      placeholder={settings.placeholder}
      onChange={(e) => setText(e.currentTarget.value)}
      onBlur={commit}
      onKeyDown={(e) => {
        if (e.key === 'Enter') commit();
      }}
    />
  );
}

function SliderEditor({ value, onChange, item, id }: Props<number, { min?: number; max?: number; step?: number }>) {
  const { min = 0, max = 100, step = 1 } = item.settings ?? {};
  return <Slider inputId={id ?? item.id} value={value ?? min} min={min} max={max} step={step} onChange={(v) => onChange(v)} />;
}

function TextEditor({ value, onChange, id }: Props<string | undefined>) {
  return <Input id={id} defaultValue={value ?? ''} onBlur={(e) => onChange(e.currentTarget.value || undefined)} />;
}

export const OPTION_EDITORS: Record<string, React.ComponentType<Props<never, never>>> = {
  boolean: BooleanEditor as never,
  radio: RadioEditor as never,
  select: SelectEditor as never,
  number: NumberEditor as never,
  slider: SliderEditor as never,
  text: TextEditor as never,
};
