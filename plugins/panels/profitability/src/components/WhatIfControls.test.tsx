import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import React from 'react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { WhatIfSettings } from '../profit';
import { WhatIfControls } from './WhatIfControls';

afterEach(cleanup);

const settings: WhatIfSettings = { electricityPerKwh: 0.07, poolFeePercent: 2, joulesPerTh: null };

function renderControls(value = settings, onChange = vi.fn()) {
  render(<WhatIfControls value={value} fleetJoulesPerTh={21.53} currencySymbol="$" changed={false} onChange={onChange} onReset={vi.fn()} />);
  return onChange;
}

describe('WhatIfControls', () => {
  it('shows each setting beside its slider; without an override, the fleet efficiency', () => {
    renderControls();
    const shown = (name: string) => screen.getByLabelText(name).parentElement!.querySelector('b')!.textContent;
    expect(shown('Electricity price per kWh')).toBe('$0.070/kWh');
    expect(shown('Efficiency in J/TH')).toBe('fleet 21.5 J/TH');
    expect(shown('Pool fee percent')).toBe('2.0 %');
    // the efficiency slider starts at the fleet's J/TH, rounded
    expect(screen.getByLabelText<HTMLInputElement>('Efficiency in J/TH').value).toBe('22');
    renderControls({ ...settings, joulesPerTh: 30 });
    expect(screen.getAllByLabelText('Efficiency in J/TH')[1]!.parentElement!.textContent).toContain('30.0 J/TH');
  });

  it.each([
    ['Electricity price per kWh', '0.1', { electricityPerKwh: 0.1 }],
    ['Efficiency in J/TH', '30', { joulesPerTh: 30 }],
    ['Pool fee percent', '3.5', { poolFeePercent: 3.5 }],
  ])('moving %s changes only its own setting', (name, input, change) => {
    const onChange = renderControls();
    fireEvent.change(screen.getByLabelText(name), { target: { value: input } });
    expect(onChange).toHaveBeenCalledWith({ ...settings, ...change });
  });

  it('each slider keeps its range and step', () => {
    renderControls();
    const range = (name: string) => {
      const el = screen.getByLabelText<HTMLInputElement>(name);
      return [el.min, el.max, el.step];
    };
    expect(range('Electricity price per kWh')).toEqual(['0', '0.3', '0.005']);
    expect(range('Efficiency in J/TH')).toEqual(['10', '100', '0.5']);
    expect(range('Pool fee percent')).toEqual(['0', '5', '0.1']);
  });
});
