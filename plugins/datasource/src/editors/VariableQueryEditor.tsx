import type { QueryEditorProps, SelectableValue } from '@grafana/data';
import { InlineField, InlineFieldRow, Input, Select } from '@grafana/ui';
import { SOURCE_KINDS, type SourceKind } from '@nodescope/shared';
import React, { useMemo } from 'react';
import type { NodescopeDataSource } from '../datasource';
import { migrateVariableQuery } from '../migrations';
import { type NodescopeOptions, type NodescopeQuery, type NodescopeVariableQuery, VARIABLE_NAMES, type VariableName } from '../types';
import { sourceLabel, useSources, variableOptions } from './useSources';

type Props = QueryEditorProps<NodescopeDataSource, NodescopeQuery, NodescopeOptions, NodescopeVariableQuery>;

// one per variable of the shared catalog: a variable a source kind gains needs its line here
const DESCRIPTIONS: Record<VariableName, string> = {
  sources: 'configured sources, optionally of one kind',
  peers: 'peers of a Bitcoin node',
  peerNetworks: 'networks the peers of a Bitcoin node use',
  feeTargets: 'fee estimate targets, in blocks',
  components: 'log components of a Stacks node',
  levels: 'log severities',
  miners: 'miners of a CGMiner fleet or a profitability source',
  pools: 'pools of a fleet or one miner',
  fleets: 'fleets a profitability source prices',
  bots: 'Freqtrade bots',
  pairs: 'pairs a bot trades',
};

export function VariableQueryEditor({ datasource, query: saved, onChange }: Props) {
  const query = useMemo(() => migrateVariableQuery(saved), [saved]);
  const { sources, loading } = useSources(datasource);
  const update = (patch: Partial<NodescopeVariableQuery>) => onChange({ ...query, ...patch });
  return (
    <InlineFieldRow>
      <InlineField label="Values" labelWidth={14} htmlFor="nodescope-variable-name">
        <Select
          inputId="nodescope-variable-name"
          width={24}
          value={query.name}
          options={VARIABLE_NAMES.map((name) => ({ label: name, value: name, description: DESCRIPTIONS[name] }))}
          onChange={(option: SelectableValue<string>) => update({ name: option.value ?? 'sources' })}
        />
      </InlineField>
      {query.name === 'sources' ? (
        <InlineField label="Kind" labelWidth={10} htmlFor="nodescope-variable-kind">
          <Select
            inputId="nodescope-variable-kind"
            width={20}
            isClearable
            value={query.kind ?? null}
            options={SOURCE_KINDS.map((k) => ({ label: k, value: k }))}
            onChange={(option: SelectableValue<SourceKind> | null) => update({ kind: option?.value })}
          />
        </InlineField>
      ) : (
        <InlineField label="Source" labelWidth={10} htmlFor="nodescope-variable-source">
          <Select
            inputId="nodescope-variable-source"
            width={36}
            isLoading={loading}
            value={query.sourceId ?? null}
            options={[...sources.map((s) => ({ label: sourceLabel(s), value: s.id })), ...variableOptions()]}
            onChange={(option: SelectableValue<string>) => update({ sourceId: option.value })}
          />
        </InlineField>
      )}
      {query.name === 'pools' && (
        <InlineField label="Miner" labelWidth={10}>
          <Input id="nodescope-variable-miner" width={20} placeholder="all, or $miner" defaultValue={query.miner ?? ''} onBlur={(e) => update({ miner: e.currentTarget.value.trim() || undefined })} />
        </InlineField>
      )}
      {query.name === 'pairs' && (
        <InlineField label="Bot" labelWidth={10}>
          <Input id="nodescope-variable-bot" width={20} placeholder="all, or $bot" defaultValue={query.bot ?? ''} onBlur={(e) => update({ bot: e.currentTarget.value.trim() || undefined })} />
        </InlineField>
      )}
    </InlineFieldRow>
  );
}
