import { AppPlugin } from '@grafana/data';
import { AppConfig } from './AppConfig';

export const plugin = new AppPlugin<{}>().addConfigPage({ title: 'Configuration', icon: 'cog', body: AppConfig, id: 'configuration' });
