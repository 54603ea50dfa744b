import type { QueryEditorProps, SelectableValue } from '@grafana/data';
import { Alert, InlineField, InlineFieldRow, InlineSwitch, Input, Select, Stack } from '@grafana/ui';
import { QUERIES_BY_KIND, STREAMABLE_QUERIES, ALL_QUERY_NAMES } from '@nodescope/shared';
import React, { useMemo } from 'react';
import type { NodescopeDataSource } from '../datasource';
import { migrateQuery } from '../migrations';
import { paramsFor } from '../queryParams';
import type { NodescopeOptions, NodescopeQuery, ParamValue } from '../types';
import { ParamsEditor } from './query/ParamsEditor';
import { resolveSource, sourceLabel, useSources, variableOptions } from './useSources';

type Props = QueryEditorProps<NodescopeDataSource, NodescopeQuery, NodescopeOptions>;

export function QueryEditor({ datasource, query: saved, onChange, onRunQuery }: Props) {
  const query = useMemo(() => migrateQuery(saved), [saved]);
  const { sources, loading, error } = useSources(datasource);
  const source = resolveSource(query.sourceId, sources);
  const kind = source?.kind;

  const sourceOptions = useMemo<Array<SelectableValue<string>>>(
    () => [
      ...sources.map((s) => ({ label: sourceLabel(s), value: s.id, description: s.network ? `${s.kind} on ${s.network}` : s.kind })),
      ...variableOptions(),
    ],
    [sources]
  );
  const queryNames: readonly string[] = kind ? QUERIES_BY_KIND[kind] : ALL_QUERY_NAMES;
  const streamable = kind ? (STREAMABLE_QUERIES[kind] ?? []).includes(query.query) : false;
  const queryOptions = queryNames.map((name) => ({
    label: name,
    value: name,
    description: kind && (STREAMABLE_QUERIES[kind] ?? []).includes(name) ? 'can be followed live' : undefined,
  }));

  const change = (next: NodescopeQuery, run = true) => {
    onChange(next);
    if (run && next.sourceId && next.query) onRunQuery();
  };
  const onSourceChange = (option: SelectableValue<string>) => {
    const sourceId = option.value ?? '';
    const nextKind = resolveSource(sourceId, sources)?.kind;
    // a query name of another kind means nothing for the new source
    const keepQuery = !nextKind || (QUERIES_BY_KIND[nextKind] as readonly string[]).includes(query.query);
    change({ ...query, sourceId, query: keepQuery ? query.query : '', ...(keepQuery ? {} : { params: undefined, live: false }) });
  };
  const onQueryChange = (option: SelectableValue<string>) =>
    change({ ...query, query: option.value ?? '', params: undefined, live: false });
  const onParamsChange = (params: Record<string, ParamValue>) => change({ ...query, params });

  return (
    <Stack direction="column" gap={0.5}>
      <InlineFieldRow>
        <InlineField label="Source" labelWidth={14} htmlFor="nodescope-source" tooltip="A source configured in the nodescope proxy, or a template variable">
          <Select
            inputId="nodescope-source"
            width={40}
            isLoading={loading}
            value={query.sourceId || null}
            options={sourceOptions}
            allowCustomValue
            placeholder="Choose a source"
            onChange={onSourceChange}
          />
        </InlineField>
        <InlineField label="Query" labelWidth={10} htmlFor="nodescope-query" disabled={!query.sourceId}>
          <Select
            inputId="nodescope-query"
            width={30}
            value={query.query || null}
            options={queryOptions}
            placeholder="Choose a query"
            onChange={onQueryChange}
          />
        </InlineField>
        {streamable && (
          <InlineField label="Live" labelWidth={8} tooltip="Keep appending rows from the proxy's stream (/api/stream)">
            <InlineSwitch
              id="nodescope-live"
              value={Boolean(query.live)}
              onChange={(event) => change({ ...query, live: event.currentTarget.checked })}
            />
          </InlineField>
        )}
      </InlineFieldRow>
      <ParamsEditor key={`${query.sourceId}/${query.query}`} specs={paramsFor(kind, query.query)} params={query.params} onChange={onParamsChange} />
      <InlineFieldRow>
        <InlineField label="Alias" labelWidth={14} tooltip="Display name of number fields: {{field}}, {{source}}, {{query}} and labels are replaced">
          <Input
            id="nodescope-alias"
            width={40}
            placeholder="{{field}}"
            defaultValue={query.alias ?? ''}
            onBlur={(event) => {
              const alias = event.currentTarget.value.trim() || undefined;
              if (alias !== query.alias) change({ ...query, alias });
            }}
          />
        </InlineField>
      </InlineFieldRow>
      {error && (
        <Alert severity="error" title="Cannot list the proxy's sources">
          {error}
        </Alert>
      )}
    </Stack>
  );
}
