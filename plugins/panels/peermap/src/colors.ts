// Marker categories and their colours for each "colour by" mode.
import type { GrafanaTheme2, Threshold } from '@grafana/data';
import type { Peer } from './peers';
import type { ColorBy } from './types';

export interface Palette {
  names: string[];
  colors: string[];
  categoryOf(peer: Peer): number;
}

const NETWORKS = ['ipv4', 'ipv6', 'onion', 'i2p', 'cjdns'];
/** Ping buckets when the field has no thresholds of its own; also the plugin's default thresholds. */
export const DEFAULT_PING_THRESHOLDS: Threshold[] = [
  { value: -Infinity, color: 'green' },
  { value: 50, color: 'yellow' },
  { value: 150, color: 'orange' },
  { value: 300, color: 'red' },
];

export function palette(colorBy: ColorBy, theme: GrafanaTheme2, pingThresholds?: Threshold[]): Palette {
  const c = (name: string) => theme.visualization.getColorByName(name);
  if (colorBy === 'network') {
    return {
      names: [...NETWORKS, 'other'],
      colors: [c('blue'), c('purple'), c('orange'), c('yellow'), c('green'), c('text')],
      categoryOf: (p) => {
        const i = NETWORKS.indexOf(p.network);
        return i >= 0 ? i : NETWORKS.length;
      },
    };
  }
  if (colorBy === 'ping') {
    // the ping field's thresholds (Standard options › Thresholds) decide the buckets and colours
    const steps = (pingThresholds && pingThresholds.length > 0 ? pingThresholds : DEFAULT_PING_THRESHOLDS).slice().sort((a, b) => a.value - b.value);
    const names = steps.map((step, i) => (i === 0 ? `< ${steps[1]?.value ?? '∞'} ms` : `≥ ${step.value} ms`));
    return {
      names: [...names, 'no ping'],
      colors: [...steps.map((step) => c(step.color)), c('text')],
      categoryOf: (p) => {
        if (p.pingMs === null) return steps.length;
        let index = 0;
        steps.forEach((step, i) => {
          if (p.pingMs! >= step.value) index = i;
        });
        return index;
      },
    };
  }
  return {
    names: ['outbound', 'inbound', 'unknown'],
    colors: [c('green'), c('blue'), c('text')],
    categoryOf: (p) => (p.direction === 'outbound' ? 0 : p.direction === 'inbound' ? 1 : 2),
  };
}
