import { act, fireEvent, render, screen, waitFor } from '@testing-library/react';
import React from 'react';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { NodescopeDataSource } from '../datasource';
import { fakeBackendSrv, fakeTemplateSrv, instanceSettings, SOURCES } from '../testing';
import type { NodescopeQuery } from '../types';
import { QueryEditor } from './QueryEditor';

async function pick(inputId: string, optionText: string) {
  const input = document.getElementById(inputId) as HTMLInputElement;
  fireEvent.keyDown(input, { key: 'ArrowDown' });
  const option = await screen.findByText(optionText);
  await act(async () => fireEvent.click(option));
}

function setup(query: Partial<NodescopeQuery> = {}) {
  const ds = new NodescopeDataSource(instanceSettings());
  const onChange = vi.fn();
  const onRunQuery = vi.fn();
  const props = { datasource: ds, query: { refId: 'A', schemaVersion: 1, sourceId: '', query: '', ...query }, onChange, onRunQuery };
  const view = render(<QueryEditor {...props} />);
  return { onChange, onRunQuery, rerender: (q: NodescopeQuery) => view.rerender(<QueryEditor {...props} query={q} />) };
}

describe('QueryEditor', () => {
  beforeEach(() => {
    fakeTemplateSrv({ node: ['btc-main'] });
    fakeBackendSrv({ 'GET /resources/sources': () => ({ sources: SOURCES }) });
  });

  it('lists sources with kind and network, then only the queries of that kind', async () => {
    const { onChange, onRunQuery, rerender } = setup();
    await pick('nodescope-source', 'btc-main · bitcoin · mainnet');
    const withSource = onChange.mock.lastCall![0] as NodescopeQuery;
    expect(withSource.sourceId).toBe('btc-main');
    expect(onRunQuery).not.toHaveBeenCalled();

    rerender(withSource);
    fireEvent.keyDown(document.getElementById('nodescope-query')!, { key: 'ArrowDown' });
    expect(await screen.findByText('mempool.histogram')).toBeInTheDocument();
    expect(screen.queryByText('fleet.summary')).not.toBeInTheDocument();
    await act(async () => fireEvent.click(screen.getByText('fees.estimates')));
    expect(onChange.mock.lastCall![0]).toMatchObject({ sourceId: 'btc-main', query: 'fees.estimates' });
    expect(onRunQuery).toHaveBeenCalledTimes(1);
  });

  it('shows the params of the chosen query (Stacks logs) and sends typed lists', async () => {
    const { onChange } = setup({ sourceId: 'stx-1', query: 'logs' });
    const levels = await screen.findByPlaceholderText('error,warn');
    fireEvent.change(levels, { target: { value: 'error, warn ,' } });
    fireEvent.blur(levels);
    expect(onChange.mock.lastCall![0].params).toEqual({ level: ['error', 'warn'] });
  });

  it('offers Live only for queries the kind can stream', async () => {
    setup({ sourceId: 'btc-main', query: 'mempool.summary' });
    await waitFor(() => expect(document.getElementById('nodescope-live')).not.toBeNull());
  });

  it('resolves a template variable source to its kind', async () => {
    setup({ sourceId: '$node', query: '' });
    await screen.findByText('$node');
    fireEvent.keyDown(document.getElementById('nodescope-query')!, { key: 'ArrowDown' });
    expect(await screen.findByText('zmq.status')).toBeInTheDocument();
  });

  it('says so when the proxy cannot list its sources', async () => {
    fakeBackendSrv({});
    setup();
    expect(await screen.findByText('Cannot list the proxy\'s sources')).toBeInTheDocument();
  });
});
