import { describe, expect, it } from 'vitest';
import { GethRpcError } from './client.js';
import { isNotEnabled, notEnabled, STOCK_HTTP_MODULES } from './modules.js';

describe('stock HTTP namespaces and the flag to add', () => {
  it('stock geth serves eth, net, web3 over HTTP', () => {
    // ethereum/go-ethereum@v1.17.10:node/defaults.go:63 HTTPModules: []string{"net", "web3"}
    // ethereum/go-ethereum@v1.17.10:cmd/geth/config.go:137 cfg.HTTPModules = append(cfg.HTTPModules, "eth")
    expect([...STOCK_HTTP_MODULES].sort()).toEqual(['eth', 'net', 'web3']);
  });

  it('names the --http.api value that adds the namespace to the stock ones', () => {
    expect(notEnabled('txpool_status')).toEqual({
      method: 'txpool_status',
      namespace: 'txpool',
      flag: '--http.api eth,net,web3,txpool',
      message: 'txpool_status is not enabled over HTTP (stock geth serves eth,net,web3 only): start geth with --http.api eth,net,web3,txpool',
    });
    expect(notEnabled('admin_peers').flag).toBe('--http.api eth,net,web3,admin');
    // a stock namespace missing means --http.api was given without it: the stock list is the fix
    expect(notEnabled('net_peerCount').flag).toBe('--http.api eth,net,web3');
  });

  it('only -32601 means "not enabled"', () => {
    // ethereum/go-ethereum@v1.17.10:rpc/errors.go:76-81 methodNotFoundError: -32601
    // "the method %s does not exist/is not available"
    expect(isNotEnabled(new GethRpcError('txpool_status', -32601, 'the method txpool_status does not exist/is not available'))).toBe(true);
    expect(isNotEnabled(new GethRpcError('eth_feeHistory', -32602, 'invalid argument'))).toBe(false);
    expect(isNotEnabled(new Error('-32601'))).toBe(false);
  });
});
