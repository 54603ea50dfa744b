import { fireEvent, render, screen } from '@testing-library/react';
import React from 'react';
import { describe, expect, it, vi } from 'vitest';
import { ConfigEditor, proxyUrlProblem } from './ConfigEditor';

const options = (extra: Record<string, unknown> = {}) =>
  ({
    id: 1,
    uid: 'nodescope',
    orgId: 1,
    name: 'nodescope',
    type: 'nodescope-crypto-datasource',
    access: 'proxy',
    url: '',
    jsonData: {},
    secureJsonFields: {},
    ...extra,
  }) as never;

describe('ConfigEditor', () => {
  it('stores the proxy URL in jsonData and the API key only in secureJsonData', () => {
    const onOptionsChange = vi.fn();
    render(<ConfigEditor options={options()} onOptionsChange={onOptionsChange} />);
    fireEvent.change(screen.getByPlaceholderText('http://127.0.0.1:8787'), { target: { value: ' http://10.0.0.5:8787 ' } });
    expect(onOptionsChange).toHaveBeenLastCalledWith(expect.objectContaining({ jsonData: { proxyUrl: 'http://10.0.0.5:8787' } }));
    fireEvent.change(screen.getByPlaceholderText('proxy API key'), { target: { value: 's3cret' } });
    const last = onOptionsChange.mock.lastCall![0];
    expect(last.secureJsonData).toEqual({ apiKey: 's3cret' });
    expect(JSON.stringify(last.jsonData)).not.toContain('s3cret');
  });

  it('shows a configured key as set and lets the user reset it', () => {
    const onOptionsChange = vi.fn();
    render(<ConfigEditor options={options({ jsonData: { proxyUrl: 'http://p:8787' }, secureJsonFields: { apiKey: true } })} onOptionsChange={onOptionsChange} />);
    expect(screen.getByDisplayValue('configured')).toBeDisabled();
    fireEvent.click(screen.getByRole('button', { name: 'Reset' }));
    expect(onOptionsChange.mock.lastCall![0].secureJsonFields).toEqual({ apiKey: false });
  });

  it('says what is wrong with a bad proxy URL', () => {
    render(<ConfigEditor options={options({ jsonData: { proxyUrl: 'ftp://x' } })} onOptionsChange={() => {}} />);
    expect(screen.getByText('Use an http:// or https:// URL')).toBeInTheDocument();
  });

  it.each([
    ['', 'The proxy URL is required'],
    ['127.0.0.1:8787', 'Start with http:// or https://'],
    ['http://', 'Not a valid URL'],
    ['http://p:8787/api', 'Give the proxy root, without a path (the plugin adds /api/...)'],
    ['http://p:8787', undefined],
    ['https://proxy.example.org/', undefined],
  ])('proxyUrlProblem(%j) = %j', (url, problem) => {
    expect(proxyUrlProblem(url)).toBe(problem);
  });
});
