import { getTemplateSrv } from '@grafana/runtime';
import { useEffect, useState } from 'react';
import type { NodescopeDataSource } from '../datasource';
import { errorMessage } from '../frames';
import type { SourceInfo } from '../types';

export interface SourcesState {
  sources: SourceInfo[];
  loading: boolean;
  error?: string;
}

/** The proxy's sources for a picker; errors are shown beside it rather than thrown. */
export function useSources(datasource: NodescopeDataSource): SourcesState {
  const [state, setState] = useState<SourcesState>({ sources: [], loading: true });
  useEffect(() => {
    let active = true;
    datasource
      .getSources()
      .then((sources) => active && setState({ sources, loading: false }))
      .catch((error: unknown) => active && setState({ sources: [], loading: false, error: errorMessage(error) }));
    return () => {
      active = false;
    };
  }, [datasource]);
  return state;
}

/** The source a (possibly templated) source id points at; the first value of a multi-value variable. */
export function resolveSource(sourceId: string, sources: SourceInfo[]): SourceInfo | undefined {
  if (!sourceId) return undefined;
  const direct = sources.find((s) => s.id === sourceId);
  if (direct || !sourceId.includes('$')) return direct;
  const first = getTemplateSrv().replace(sourceId, undefined, 'csv').split(',')[0]?.trim();
  return sources.find((s) => s.id === first);
}

export function variableOptions(): Array<{ label: string; value: string; description: string }> {
  return getTemplateSrv()
    .getVariables()
    .map((v) => ({ label: `$${v.name}`, value: `$${v.name}`, description: 'template variable' }));
}

export function sourceLabel(source: SourceInfo): string {
  return [source.name || source.id, source.kind, source.network].filter(Boolean).join(' · ');
}
