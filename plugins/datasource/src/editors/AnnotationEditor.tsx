import type { QueryEditorProps, SelectableValue } from '@grafana/data';
import { InlineField, InlineFieldRow, Select } from '@grafana/ui';
import { ANNOTATION_TYPES } from '@nodescope/shared';
import React from 'react';
import type { NodescopeDataSource } from '../datasource';
import { QUERY_SCHEMA_VERSION, type NodescopeOptions, type NodescopeQuery } from '../types';
import { resolveSource, sourceLabel, useSources, variableOptions } from './useSources';

type Props = QueryEditorProps<NodescopeDataSource, NodescopeQuery, NodescopeOptions>;

const ALL_TYPES = [...new Set(Object.values(ANNOTATION_TYPES).flat())];

export function AnnotationEditor({ datasource, query, onChange }: Props) {
  const { sources, loading } = useSources(datasource);
  const kind = resolveSource(query?.sourceId ?? '', sources)?.kind;
  const types: readonly string[] = kind ? ANNOTATION_TYPES[kind] : ALL_TYPES;
  const base: NodescopeQuery = {
    ...query,
    refId: query?.refId || 'Anno',
    schemaVersion: QUERY_SCHEMA_VERSION,
    sourceId: query?.sourceId ?? '',
    query: query?.query ?? '',
    queryType: 'annotations',
  };
  return (
    <InlineFieldRow>
      <InlineField label="Source" labelWidth={14} htmlFor="nodescope-annotation-source">
        <Select
          inputId="nodescope-annotation-source"
          width={40}
          isLoading={loading}
          value={base.sourceId || null}
          options={[...sources.map((s) => ({ label: sourceLabel(s), value: s.id })), ...variableOptions()]}
          onChange={(option: SelectableValue<string>) => onChange({ ...base, sourceId: option.value ?? '' })}
        />
      </InlineField>
      <InlineField label="Events" labelWidth={10} htmlFor="nodescope-annotation-type" tooltip="blocks, reorgs, difficulty adjustments, miner offline/online, trades…">
        <Select
          inputId="nodescope-annotation-type"
          width={24}
          value={base.annotationType || null}
          options={types.map((t) => ({ label: t, value: t }))}
          onChange={(option: SelectableValue<string>) => onChange({ ...base, annotationType: option.value })}
        />
      </InlineField>
    </InlineFieldRow>
  );
}
