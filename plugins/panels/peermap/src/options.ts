import type { PanelOptionsEditorBuilder } from '@grafana/data';
import { DEFAULT_PEERMAP_OPTIONS as D, type PeerMapOptions } from './types';

export function buildPeerMapOptions(builder: PanelOptionsEditorBuilder<PeerMapOptions>): PanelOptionsEditorBuilder<PeerMapOptions> {
  return builder
    .addRadio({
      path: 'colorBy',
      name: 'Colour by',
      description: 'Ping colours follow the Thresholds of Standard options',
      defaultValue: D.colorBy,
      settings: { options: [{ value: 'direction', label: 'Direction' }, { value: 'network', label: 'Network' }, { value: 'ping', label: 'Ping' }] },
    })
    .addRadio({
      path: 'sizeBy',
      name: 'Size by',
      defaultValue: D.sizeBy,
      settings: { options: [{ value: 'fixed', label: 'Fixed' }, { value: 'ping', label: 'Ping' }, { value: 'traffic', label: 'Traffic' }] },
    })
    .addBooleanSwitch({ path: 'cluster', name: 'Cluster markers', description: 'Merge nearby peers; clusters split as you zoom in', defaultValue: D.cluster })
    .addSliderInput({ path: 'clusterRadius', name: 'Cluster radius (px)', defaultValue: D.clusterRadius, settings: { min: 8, max: 80, step: 2 }, showIf: (o) => o.cluster })
    .addBooleanSwitch({ path: 'showSide', name: 'Side column', description: 'Legend and count of peers that cannot be placed (onion, I2P, CJDNS, private)', defaultValue: D.showSide });
}
