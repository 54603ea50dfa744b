import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseConfig } from './load.js';
import { describeConfig, fileNotes } from './summary.js';

const dir = mkdtempSync(join(tmpdir(), 'nodescope-summary-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('--check summary', () => {
  it('lists where it listens, the guard, and each source by id and kind', () => {
    const config = parseConfig('server: { apiKey: abcdefghij }\nsources:\n  - { id: btc-main, kind: bitcoin, rpc: { user: u, password: p } }', 'p.yaml', {});
    expect(describeConfig(config, 9000)).toBe('listens on http://127.0.0.1:9000; /api/* needs the apiKey\n1 source:\n  btc-main (bitcoin)');
  });

  it('notes files the proxy could not read or write now, and none that it can', () => {
    const cookie = join(dir, '.cookie');
    writeFileSync(cookie, '__cookie__:x');
    const config = parseConfig(
      `server: { historyFile: ${join(dir, 'nope', 'history.json')} }
sources:
  - { id: a, kind: bitcoin, network: regtest, rpc: { datadir: ${join(dir, 'nodatadir')} }, geoip: { cityDb: ${join(dir, 'city.mmdb')} } }
  - { id: b, kind: bitcoin, rpc: { cookieFile: ${cookie} } }
  - { id: s, kind: stacks, logFile: ${join(dir, 'stacks.log')} }`,
      'p.yaml',
      {}
    );
    expect(fileNotes(config)).toEqual([
      `server: historyFile folder ${join(dir, 'nope')} is not writable (ENOENT); history will not survive a restart`,
      `a: RPC cookie ${join(dir, 'nodatadir', 'regtest', '.cookie')} is not readable (ENOENT): bitcoind writes it when it starts; the proxy needs read access (rpccookieperms=group and the bitcoin group)`,
      `a: geoip.cityDb ${join(dir, 'city.mmdb')} is not readable (ENOENT)`,
      `s: logFile ${join(dir, 'stacks.log')} is not readable (ENOENT)`,
    ]);
    expect(describeConfig(config)).toContain('\nnotes:\n  server: historyFile folder');
  });

  it('notes a host.datadir that cannot be reached, and none for one that can', () => {
    const config = parseConfig(
      `sources:
  - { id: g, kind: geth, host: { datadir: ${join(dir, 'no-geth-data')} } }
  - { id: t, kind: stacks, host: { datadir: ${dir} } }`,
      'p.yaml',
      {}
    );
    expect(fileNotes(config)).toEqual([`g: host.datadir ${join(dir, 'no-geth-data')} cannot be reached (ENOENT); free space and days until full stay unknown until it can`]);
  });
});
