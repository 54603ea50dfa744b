import type { AppPluginMeta, PluginConfigPageProps } from '@grafana/data';
import { Stack, Text, TextLink } from '@grafana/ui';
import React from 'react';
import type { AppSettings } from './types';

type Props = PluginConfigPageProps<AppPluginMeta<AppSettings>>;

/** The app has no settings of its own: it says what it brings and where to configure it. */
export function AppConfig({ plugin }: Props) {
  return (
    <Stack direction="column" gap={2}>
      <Text element="h3">nodescope suite {plugin.meta.info.version}</Text>
      <Text>
        This app brings the nodescope datasource and panels. Add a nodescope data source, point it at your nodescope proxy
        and give it the proxy&apos;s API key; Save &amp; test lists every source the proxy watches.
      </Text>
      <TextLink href="/connections/datasources/new" inline={false}>
        Add a nodescope data source
      </TextLink>
    </Stack>
  );
}
