// Which JSON-RPC namespaces a geth node serves over HTTP, and what to tell the user when one the
// source can use is off. Pure.
//
// Stock geth serves eth, net and web3 over HTTP: node.DefaultConfig.HTTPModules is ["net","web3"]
// (go-ethereum v1.17.10 node/defaults.go:63) and cmd/geth appends "eth"
// (cmd/geth/config.go:137); only --http.api replaces the list (cmd/utils/flags.go:792-797,
// 1379-1381). A method of any other namespace (txpool, admin, debug) answers -32601 "the method X
// does not exist/is not available" (rpc/errors.go:76-81), as does an unknown method.
import { GethRpcError } from './client.js';

export const STOCK_HTTP_MODULES = ['eth', 'net', 'web3'] as const;

/** The node answered "no such method": the namespace is not enabled over HTTP (not a failure). */
export function isNotEnabled(error: unknown): error is GethRpcError {
  return error instanceof GethRpcError && error.rpcCode === -32601;
}

export interface NotEnabled {
  method: string;
  namespace: string;
  /** what to add to geth's command line */
  flag: string;
  message: string;
}

export function notEnabled(method: string): NotEnabled {
  const namespace = method.split('_')[0] ?? method;
  const modules = STOCK_HTTP_MODULES.includes(namespace as never) ? [...STOCK_HTTP_MODULES] : [...STOCK_HTTP_MODULES, namespace];
  const flag = `--http.api ${modules.join(',')}`;
  return {
    method,
    namespace,
    flag,
    message: `${method} is not enabled over HTTP (stock geth serves ${STOCK_HTTP_MODULES.join(',')} only): start geth with ${flag}`,
  };
}
