import { FieldType } from '@grafana/data';
import { toFrame } from '@nodescope/shared';
import { describe, expect, it } from 'vitest';
import { annotationsToFrame, errorMessage, shapeFrame } from './frames';
import type { NodescopeQuery } from './types';

const target = (refId: string, extra: Partial<NodescopeQuery> = {}): NodescopeQuery => ({
  refId,
  schemaVersion: 1,
  sourceId: 'btc-main',
  query: 'fees.estimates',
  ...extra,
});

const feeFrame = toFrame('fees', [
  { name: 'time', type: 'time', values: [1_700_000_000_000] },
  { name: 'target', type: 'string', values: ['6'] },
  { name: 'feeRate', type: 'number', values: [12.5], unit: 'sat/vB', labels: { mode: 'economical' } },
]);

// The live path shapes the proxy's frames here (stream.ts); the others arrive shaped by the
// backend (pkg/plugin/query.go applyAlias, withContext).
describe('shapeFrame', () => {
  it('turns a frame into a DataFrame with the target refId, units and values intact', () => {
    const frame = shapeFrame(feeFrame, target('A'), 'btc-main');
    expect(frame.refId).toBe('A');
    const fee = frame.fields.find((f) => f.name === 'feeRate')!;
    expect(fee.type).toBe(FieldType.number);
    expect(fee.config.unit).toBe('sat/vB');
    expect(fee.values).toEqual([12.5]);
    expect(frame.fields[0]!.type).toBe(FieldType.time);
  });

  it('applies the alias to number fields only, with field, source and labels', () => {
    const frame = shapeFrame(feeFrame, target('A', { alias: '{{source}} {{field}} {{mode}} {{unknown}}' }), 'btc-main');
    const [time, targetField, fee] = frame.fields;
    expect(fee!.config.displayNameFromDS).toBe('btc-main feeRate economical {{unknown}}');
    expect(time!.config.displayNameFromDS).toBeUndefined();
    expect(targetField!.config.displayNameFromDS).toBeUndefined();
  });
});

describe('annotationsToFrame', () => {
  it('gives the fields the standard annotation support reads', () => {
    const frame = annotationsToFrame(
      [
        { time: 1, title: 'Block 840000', text: 'halving', tags: ['block'] },
        { time: 5, timeEnd: 9, title: 'rig-2 offline', text: 'no answer', tags: ['miner', 'offline'] },
      ],
      'Anno'
    );
    expect(frame.refId).toBe('Anno');
    expect(frame.fields.map((f) => [f.name, f.type])).toEqual([
      ['time', 'time'],
      ['timeEnd', 'time'],
      ['title', 'string'],
      ['text', 'string'],
      ['tags', 'other'],
    ]);
    expect(frame.fields[1]!.values).toEqual([1, 9]);
    expect(frame.fields[4]!.values[1]).toEqual(['miner', 'offline']);
  });
});

describe('errorMessage', () => {
  it.each([
    [{ status: 400, data: { error: 'query.sourceId: unknown source "x"' } }, 'query.sourceId: unknown source "x" (HTTP 400)'],
    [{ status: 502, statusText: 'Bad Gateway', data: {} }, 'HTTP 502 Bad Gateway'],
    [new Error('network down'), 'network down'],
    ['plain', 'plain'],
  ])('%j -> %s', (error, message) => {
    expect(errorMessage(error)).toBe(message);
  });
});
