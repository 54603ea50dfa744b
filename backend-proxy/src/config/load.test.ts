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
    ['sources:\n  - { id: a, kind: bitcoin, rpc: { url: "ftp://x" } }', /sources\[0\] \(id a\)\.rpc\.url: Invalid URL \(got \"ftp:\/\/x\"\)/],
    ['sources:\n  - { id: a, kind: nonsense }', /sources\[0\] \(id a\)\.kind: unknown kind \"nonsense\"; one of bitcoin, cgminer/],
    ['sources:\n  - { id: a, kind: bitcoin }\n  - { id: a, kind: bitcoin }', /sources\[1\] \(id a\)\.id: duplicate source id "a"/],
    ['server: { port: 70000 }', /server\.port/],
    ['server: { apiKey: short }', /server\.apiKey: server\.apiKey must be at least 8/],
    ['server: { colour: blue }', /server\.colour: unknown key "colour"; valid keys: host, port, apiKey/],
    ['sources:\n  - { id: a, kind: bitcoin, rpc: { user: bob } }', /sources\[0\] \(id a\)\.rpc: user and password go together/],
    ['sources: [ {', /not valid YAML/],
  ])('names the field and the file for %j', (text, pattern) => {
    expect(() => parseConfig(text, '/etc/nodescope.yaml', {})).toThrow(pattern);
    expect(() => parseConfig(text, '/etc/nodescope.yaml', {})).toThrow(/\/etc\/nodescope\.yaml/);
  });

  it('names the unset environment variable and where it is used', () => {
    expect(() => parseConfig('server: { apiKey: ${NOPE} }', 'p.yaml', {})).toThrow(
      'p.yaml: server.apiKey: environment variable NOPE is not set'
    );
    expect(() => parseConfig('sources:\n  - { id: btc-main, kind: bitcoin, rpc: { user: u, password: ${BTC_PASS} } }', 'p.yaml', {})).toThrow(
      'p.yaml: sources[0] (id btc-main).rpc.password: environment variable BTC_PASS is not set'
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

  describe('messages an operator can act on', () => {
    const fail = (text: string) => {
      try {
        parseConfig(text, 'proxy.yaml', {});
      } catch (error) {
        expect(error).toBeInstanceOf(ConfigError);
        return (error as Error).message;
      }
      throw new Error('config was accepted');
    };

    it('names the source by id, echoes the bad kind and suggests the closest one', () => {
      const message = fail('sources:\n  - { id: btc-main, kind: bitcon }');
      expect(message).toContain('sources[0] (id btc-main).kind: unknown kind "bitcon" (did you mean "bitcoin"?)');
      expect(message).not.toMatch(/discriminator/i);
    });

    it.each([
      ['sources:\n  - { id: btc-main, kind: bitcoin, pollSecond: 3 }', 'sources[0] (id btc-main).pollSecond: unknown key "pollSecond" (did you mean "pollSeconds"?)'],
      ['sources:\n  - { id: b, kind: bitcoin, rpc: { pasword: x } }', 'sources[0] (id b).rpc.pasword: unknown key "pasword" (did you mean "password"?)'],
      ['server: { apikey: abcdefghij }', 'server.apikey: unknown key "apikey" (did you mean "apiKey"?)'],
      ['server: { logLevel: inf }', 'server.logLevel: "inf" is not one of fatal, error, warn, info, debug, trace, silent (did you mean "info"?)'],
      ['sources:\n  - { id: b, kind: bitcoin, network: tesnet4 }', 'sources[0] (id b).network: "tesnet4" is not one of mainnet, testnet, testnet4, signet, regtest (did you mean "testnet4"?)'],
      ['sources:\n  - { id: b, kind: bitcoin, pollSeconds: fast }', 'sources[0] (id b).pollSeconds: expected number, got "fast"'],
      ['sources:\n  - { id: b, kind: bitcoin, pollSeconds: 0 }', 'sources[0] (id b).pollSeconds: Too small: expected number to be >=0.1 (got 0)'],
    ])('%j', (text, line) => {
      expect(fail(text)).toContain(line);
    });

    it('never echoes a secret it refuses', () => {
      const message = fail('server: { apiKey: 12345 }');
      expect(message).toContain('server.apiKey: expected string, got (hidden)');
      expect(message).not.toContain('12345');
    });

    it('checks every cross-reference at start, naming the id and what exists', () => {
      const message = fail(`sources:
  - { id: farm-a, kind: cgminer, miners: [{ host: 10.0.0.1 }] }
  - { id: btc-main, kind: bitcoin }
  - { id: profit, kind: profitability, fleets: [farm-a, farm-b], bitcoinSource: btc-mian, electricityPerKwh: 0.08 }
  - { id: stx-1, kind: stacks, bitcoinSource: farm-a }`);
      expect(message).toContain(
        'sources[2] (id profit).fleets[1]: source "profit" names the fleet "farm-b", but no source has that id (did you mean "farm-a"?); cgminer sources: farm-a'
      );
      expect(message).toContain(
        'sources[2] (id profit).bitcoinSource: source "profit" names the bitcoin source "btc-mian", but no source has that id (did you mean "btc-main"?)'
      );
      expect(message).toContain(
        'sources[3] (id stx-1).bitcoinSource: source "stx-1" names the bitcoin source "farm-a", which is a cgminer source, not bitcoin'
      );
      expect(message).not.toContain('fleets[0]');
    });

    it('checks a beacon source\'s executionSource names a geth source', () => {
      const message = fail(`sources:
  - { id: geth-1, kind: geth }
  - { id: btc-main, kind: bitcoin }
  - { id: cl-1, kind: beacon, executionSource: geth-2 }
  - { id: cl-2, kind: beacon, executionSource: btc-main }`);
      expect(message).toContain(
        'sources[2] (id cl-1).executionSource: source "cl-1" names the execution source "geth-2", but no source has that id (did you mean "geth-1"?); geth sources: geth-1'
      );
      expect(message).toContain(
        'sources[3] (id cl-2).executionSource: source "cl-2" names the execution source "btc-main", which is a bitcoin source, not geth; geth sources: geth-1'
      );
    });

    it.each([
      ['server: oops', 'server: expected object, got "oops"'],
      ['sources: oops', 'sources: expected array, got "oops"'],
      ['sources: [1, null]', 'sources[1]: expected object, got null'],
      ['sources:\n  - { id: p, kind: profitability, fleets: 5, electricityPerKwh: 0.1 }', 'sources[0] (id p).fleets: expected array, got 5'],
      ['sources:\n  - { id: p, kind: profitability, fleets: [1, { a: 1 }], bitcoinSource: 7, electricityPerKwh: 0.1 }', 'sources[0] (id p).fleets[1]: expected string, got a map'],
      ['server: { host: 5 }', 'server.host: expected string, got 5'],
      ['42', '(root): expected object, got 42'],
    ])('reports %j as a config error, never a crash', (text, line) => {
      expect(fail(text)).toContain(line);
    });

    it('accepts references that resolve', () => {
      const config = parseConfig(
        `sources:
  - { id: farm-a, kind: cgminer, miners: [{ host: 10.0.0.1 }] }
  - { id: btc-main, kind: bitcoin }
  - { id: profit, kind: profitability, fleets: [farm-a], bitcoinSource: btc-main, electricityPerKwh: 0.08 }`,
        'proxy.yaml',
        {}
      );
      expect(config.sources.map((s) => s.id)).toEqual(['farm-a', 'btc-main', 'profit']);
    });

    it.each([['0.0.0.0'], ['::'], ['192.168.1.10'], ['grafana-net.lan']])('refuses to listen on %s without an apiKey', (host) => {
      expect(fail(`server: { host: "${host}" }`)).toContain(`server.apiKey: listening on ${host} (beyond loopback) without an apiKey`);
    });

    it.each([['127.0.0.1'], ['127.0.0.2'], ['::1'], ['[::1]'], ['localhost']])('allows loopback %s without an apiKey', (host) => {
      expect(parseConfig(`server: { host: "${host}" }`, 'p.yaml', {}).server.host).toBe(host);
    });

    it('allows it beyond loopback with an apiKey or an explicit insecure: true', () => {
      expect(parseConfig('server: { host: 0.0.0.0, apiKey: abcdefghij }', 'p.yaml', {}).server.insecure).toBe(false);
      expect(parseConfig('server: { host: 0.0.0.0, insecure: true }', 'p.yaml', {}).server.insecure).toBe(true);
    });
  });
});
