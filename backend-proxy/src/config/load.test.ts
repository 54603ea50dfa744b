import { describe, expect, it } from 'vitest';
import { collectSecrets, ConfigError, loadConfig, parseConfig } from './load.js';

describe('parseConfig', () => {
  it('applies defaults and expands ${ENV} after parsing', () => {
    const config = parseConfig(
      `server: { apiKey: \${KEY}, port: 9000 }
sources:
  - { id: btc-main, kind: bitcoin, rpc: { url: "http://127.0.0.1:8332", user: alice, password: "\${RPC_PASS}" } }
`,
      'proxy.yaml',
      { KEY: 'key-with: yaml # chars', RPC_PASS: 'p@ss"word!' }
    );
    expect(config.server).toMatchObject({ host: '127.0.0.1', port: 9000, apiKey: 'key-with: yaml # chars' });
    expect(config.sources[0]).toMatchObject({ id: 'btc-main', network: 'mainnet', pollSeconds: 5 });
    expect(config.sources[0]?.kind === 'bitcoin' && config.sources[0].rpc.password).toBe('p@ss"word!');
  });

  it('reads JSON too, with ${VAR:-default} typed by its text', () => {
    const config = parseConfig('{"server": {"port": ${PORT:-8788}, "host": "${HOST:-::1}"}}', 'p.json', {});
    expect(config.server).toMatchObject({ port: 8788, host: '::1' });
    const fromEnv = parseConfig('server: { port: ${PORT}, site: "eu-${SITE}" }', 'p.yaml', { PORT: '9100', SITE: '1' });
    expect(fromEnv.server).toMatchObject({ port: 9100, site: 'eu-1' });
  });

  it.each([
    ['sources:\n  - { id: a, kind: bitcoin, rpc: { url: "ftp://x" } }', /sources\[0\]\.rpc\.url/],
    ['sources:\n  - { id: a, kind: nonsense }', /sources\[0\]\.kind/],
    ['sources:\n  - { id: a, kind: bitcoin }\n  - { id: a, kind: bitcoin }', /sources\[1\]\.id: duplicate source id "a"/],
    ['server: { port: 70000 }', /server\.port/],
    ['server: { apiKey: short }', /server\.apiKey: server\.apiKey must be at least 8/],
    ['server: { colour: blue }', /server: Unrecognized key/],
    ['sources:\n  - { id: a, kind: bitcoin, rpc: { user: bob } }', /sources\[0\]\.rpc: user and password go together/],
    ['sources: [ {', /not valid YAML/],
  ])('names the field and the file for %j', (text, pattern) => {
    expect(() => parseConfig(text, '/etc/nodescope.yaml', {})).toThrow(pattern);
    expect(() => parseConfig(text, '/etc/nodescope.yaml', {})).toThrow(/\/etc\/nodescope\.yaml/);
  });

  it('names the unset environment variable and where it is used', () => {
    expect(() => parseConfig('server: { apiKey: ${NOPE} }', 'p.yaml', {})).toThrow(
      'p.yaml: server.apiKey: environment variable NOPE is not set'
    );
  });

  it('reports an unreadable file', async () => {
    await expect(loadConfig('/nonexistent/nodescope.yaml')).rejects.toThrow(ConfigError);
    await expect(loadConfig('/nonexistent/nodescope.yaml')).rejects.toThrow(/ENOENT/);
  });

  it('collects every secret for the scrubber', () => {
    expect(collectSecrets({ server: { apiKey: 'k1k1k1k1' }, sources: [{ rpc: { password: 'p', user: 'u' } }] })).toEqual([
      'k1k1k1k1',
      'p',
    ]);
  });

  it('gives outputs.loki to log-shipping sources that name no target, one spool file each', () => {
    const config = parseConfig(
      `outputs: { loki: { url: "http://127.0.0.1:3100", spoolFile: /var/lib/nodescope/loki.spool } }
sources:
  - { id: stx-a, kind: stacks, logFile: /var/log/a.log }
  - { id: stx-b, kind: stacks, logFile: /var/log/b.log, loki: { url: "http://10.0.0.9:3100" } }`,
      'p.yaml',
      {}
    );
    const [a, b] = config.sources;
    expect(a?.kind === 'stacks' && a.loki).toMatchObject({ url: 'http://127.0.0.1:3100', spoolFile: '/var/lib/nodescope/loki.spool.stx-a', batchMaxLines: 500 });
    expect(b?.kind === 'stacks' && b.loki).toMatchObject({ url: 'http://10.0.0.9:3100' });
  });
});
