import type { DataSourcePluginOptionsEditorProps } from '@grafana/data';
import { Field, FieldSet, Input, SecretInput } from '@grafana/ui';
import React, { type ChangeEvent } from 'react';
import type { NodescopeOptions, NodescopeSecureOptions } from '../types';

type Props = DataSourcePluginOptionsEditorProps<NodescopeOptions, NodescopeSecureOptions>;

export function proxyUrlProblem(url: string | undefined): string | undefined {
  if (!url) return 'The proxy URL is required';
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(url) && !/^https?:\/\//i.test(url)) return 'Use an http:// or https:// URL';
  if (!/^https?:\/\//i.test(url)) return 'Start with http:// or https://';
  try {
    const parsed = new URL(url);
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return 'Use an http:// or https:// URL';
    if (parsed.pathname !== '/' && parsed.pathname !== '') return 'Give the proxy root, without a path (the plugin adds /api/...)';
  } catch {
    return 'Not a valid URL';
  }
  return undefined;
}

export function ConfigEditor({ options, onOptionsChange }: Props) {
  const { jsonData, secureJsonFields } = options;
  const secureJsonData = options.secureJsonData ?? {};
  const problem = jsonData.proxyUrl !== undefined ? proxyUrlProblem(jsonData.proxyUrl) : undefined;

  const onProxyUrlChange = (event: ChangeEvent<HTMLInputElement>) =>
    onOptionsChange({ ...options, jsonData: { ...jsonData, proxyUrl: event.target.value.trim() } });
  // the route appends /api: a trailing slash would give //api
  const onProxyUrlBlur = () =>
    jsonData.proxyUrl?.endsWith('/') &&
    onOptionsChange({ ...options, jsonData: { ...jsonData, proxyUrl: jsonData.proxyUrl.replace(/\/+$/, '') } });
  const onApiKeyChange = (event: ChangeEvent<HTMLInputElement>) =>
    onOptionsChange({ ...options, secureJsonData: { ...secureJsonData, apiKey: event.target.value } });
  const onApiKeyReset = () =>
    onOptionsChange({
      ...options,
      secureJsonFields: { ...secureJsonFields, apiKey: false },
      secureJsonData: { ...secureJsonData, apiKey: '' },
    });

  return (
    <FieldSet label="nodescope proxy">
      <Field
        label="Proxy URL"
        description="Where the Grafana server reaches the nodescope proxy. The browser never calls it directly."
        invalid={Boolean(problem)}
        error={problem}
        required
      >
        <Input
          id="nodescope-proxy-url"
          width={50}
          placeholder="http://127.0.0.1:8787"
          value={jsonData.proxyUrl ?? ''}
          onChange={onProxyUrlChange}
          onBlur={onProxyUrlBlur}
        />
      </Field>
      <Field
        label="API key"
        description="The proxy's server.apiKey. Stored encrypted; Grafana adds it as a Bearer header on the server side."
      >
        <SecretInput
          id="nodescope-api-key"
          width={50}
          placeholder="proxy API key"
          isConfigured={Boolean(secureJsonFields?.apiKey)}
          value={secureJsonData.apiKey ?? ''}
          onChange={onApiKeyChange}
          onReset={onApiKeyReset}
        />
      </Field>
    </FieldSet>
  );
}
