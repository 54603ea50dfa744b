// Finds what a plugin's module.js bundled that Grafana provides: a plugin must take React,
// @grafana/data|ui|runtime, rxjs, lodash and emotion from the host (two Reacts break hooks,
// two @grafana/data break instanceof checks and contexts). Reads the AMD define() dependency
// list, the source map's sources and React's own marker strings.
import { existsSync, readFileSync } from 'node:fs';

/** Packages Grafana shares with plugins (sharedDependencies.ts), by their node_modules path. */
export const HOST_PACKAGES = ['react', 'react-dom', 'scheduler', '@grafana/data', '@grafana/ui', '@grafana/runtime', 'rxjs', 'lodash', '@emotion/css', '@emotion/react', 'moment', 'jquery'];

/** Strings that only exist inside React's or ReactDOM's own code. */
const REACT_INTERNALS = ['__SECRET_INTERNALS_DO_NOT_USE_OR_YOU_WILL_BE_FIRED', 'react.fragment', 'ReactCurrentOwner', 'Minified React error'];

export interface BundleReport {
  /** the dependency array of the top-level define([...], factory) */
  amdDependencies: string[] | null;
  /** host packages whose files appear in the source map */
  bundledPackages: string[];
  /** React internals found in the code */
  reactInternals: string[];
}

export function amdDependencies(code: string): string[] | null {
  const match = /^\s*define\(\s*(\[[^\]]*\])/.exec(code);
  if (!match) return null;
  return JSON.parse(match[1]!) as string[];
}

export function inspectBundle(moduleJs: string): BundleReport {
  const code = readFileSync(moduleJs, 'utf8');
  const mapFile = `${moduleJs}.map`;
  const sources: string[] = existsSync(mapFile) ? ((JSON.parse(readFileSync(mapFile, 'utf8')) as { sources?: string[] }).sources ?? []) : [];
  const bundledPackages = HOST_PACKAGES.filter((pkg) => sources.some((source) => source.includes(`node_modules/${pkg}/`)));
  return {
    amdDependencies: amdDependencies(code),
    bundledPackages,
    reactInternals: REACT_INTERNALS.filter((marker) => code.includes(marker)),
  };
}
