// The plugin-validator's sdkusage analyzer (grafana/plugin-validator@a7e38aae36a336062e9aa5ee9dd36435851daac2
// pkg/analysis/passes/sdkusage/sdkusage.go), the part that needs no network: a plugin with a
// backend needs a go.mod that requires grafana-plugin-sdk-go at a version and does not replace it.
// Rule names, severities and wording are the validator's (:18-21, :79-157). Not ported: go-mod-error
// (:135-143, a require without a version, which a go.mod parse already refuses) and the
// version-age rules (:159-), which ask GitHub for the latest SDK release.
//
// One difference, because this repository is a monorepo: the validator reads go.mod at the root of
// the submitted source (the sourcecode analyzer's folder) when any plugin.json in the archive has
// backend: true (:66-77, nestedmetadata); here each backend plugin's own workspace is its source
// root (plugins/datasource, where go.mod sits beside pkg/ as create-plugin lays it out).
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

export const GO_SDK = 'github.com/grafana/grafana-plugin-sdk-go';

export interface SdkUsageFinding {
  rule: 'go-mod-not-found' | 'go-sdk-not-used' | 'go-sdk-replaced';
  message: string;
}

interface GoMod {
  require: Map<string, string>;
  replace: Array<{ old: string; new: string }>;
}

/**
 * The require and replace directives of a go.mod (go.dev/ref/mod#go-mod-file: single-line or a
 * parenthesised block, `//` comments); throws on a line that is not a directive, as modfile.Parse
 * refuses it.
 */
export function parseGoMod(text: string): GoMod {
  const mod: GoMod = { require: new Map(), replace: [] };
  let block: string | undefined;
  const directive = (verb: string, args: string[], lineNo: number) => {
    if (verb === 'require') {
      if (args.length !== 2) throw new Error(`go.mod:${lineNo}: usage: require module/path v1.2.3`);
      mod.require.set(args[0]!, args[1]!);
    } else if (verb === 'replace') {
      const arrow = args.indexOf('=>');
      if (arrow < 1 || arrow === args.length - 1) throw new Error(`go.mod:${lineNo}: usage: replace module/path [v1.2.3] => other/module v1.4`);
      mod.replace.push({ old: args[0]!, new: args[arrow + 1]! });
    } else if (!['module', 'go', 'toolchain', 'exclude', 'retract', 'godebug', 'tool', 'ignore'].includes(verb)) {
      throw new Error(`go.mod:${lineNo}: unknown directive: ${verb}`);
    }
  };
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.replace(/\/\/.*$/, '').trim();
    if (line === '') return;
    const words = line.split(/\s+/);
    if (block !== undefined) {
      if (line === ')') block = undefined;
      else directive(block, words, index + 1);
      return;
    }
    if (words.length === 2 && words[1] === '(') {
      block = words[0];
      return;
    }
    directive(words[0]!, words.slice(1), index + 1);
  });
  if (block !== undefined) throw new Error(`go.mod: unterminated ${block} block`);
  return mod;
}

/** sdkusage's findings for a backend plugin whose source root is `sourceRoot`. */
export function sdkUsageFindings(sourceRoot: string): SdkUsageFinding[] {
  const goModPath = path.join(sourceRoot, 'go.mod');
  if (!existsSync(goModPath)) {
    return [{ rule: 'go-mod-not-found', message: 'go.mod can not be found in your source code' }];
  }
  let mod: GoMod;
  try {
    mod = parseGoMod(readFileSync(goModPath, 'utf8'));
  } catch {
    // the validator reports a parse failure under go-mod-not-found (:103-113)
    return [{ rule: 'go-mod-not-found', message: 'go.mod can not be parsed from your source code' }];
  }
  const version = mod.require.get(GO_SDK);
  if (version === undefined) {
    return [{ rule: 'go-sdk-not-used', message: 'Your plugin uses a backend (backend=true), but the Grafana Go SDK is not used' }];
  }
  if (mod.replace.some((r) => r.old === GO_SDK && r.new !== GO_SDK)) {
    return [{ rule: 'go-sdk-replaced', message: 'Your plugin is using a custom or forked version of the Grafana Go SDK' }];
  }
  return [];
}
