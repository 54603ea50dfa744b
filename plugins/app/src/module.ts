import { AppPlugin } from '@grafana/data';
import { AppConfig } from './AppConfig';
import type { AppSettings } from './types';

export const plugin = new AppPlugin<AppSettings>().addConfigPage({ title: 'Configuration', icon: 'cog', body: AppConfig, id: 'configuration' });
