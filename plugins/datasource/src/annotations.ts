// Annotations (blocks, reorgs, difficulty adjustments, miner offline/online, trades) ride the
// standard support: the annotation's target goes through query() with queryType 'annotations'.
import type { AnnotationQuery, AnnotationSupport } from '@grafana/data';
import { AnnotationEditor } from './editors/AnnotationEditor';
import { QUERY_SCHEMA_VERSION, type NodescopeQuery } from './types';

export const annotationSupport: AnnotationSupport<NodescopeQuery> = {
  QueryEditor: AnnotationEditor,
  getDefaultQuery: () => ({ queryType: 'annotations', schemaVersion: QUERY_SCHEMA_VERSION, sourceId: '', query: '', annotationType: 'blocks' }),
  prepareQuery: (anno: AnnotationQuery<NodescopeQuery>) =>
    anno.target ? { ...anno.target, refId: anno.target.refId || 'Anno', queryType: 'annotations' } : undefined,
};
