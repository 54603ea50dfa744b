// The proxy's layers, read from the imports of every TypeScript file under src/ (the compiler's
// own import scanner, ts.preProcessFile, so `import type`, `export … from` and `import()` count):
//  - core/ imports nothing from sources/, outputs/, http/, config/ or simulators/;
//  - a source (sources/<kind>/) imports neither outputs/, http/ nor simulators/, nor a sibling
//    source: what it needs of another it asks through sources/capabilities.ts;
//  - outputs/ imports nothing from sources/ or http/.
// Tests beside the code (*.test.ts) are left out: they may start a simulator or a whole stack.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const SRC = resolve(dirname(fileURLToPath(import.meta.url)), '../src');

function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return tsFiles(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') ? [path] : [];
  });
}

/** Relative specifiers a file imports, resolved to paths under src/ ('core/x.js' …). */
function importsOf(file: string, text: string): string[] {
  const specifiers = ts.preProcessFile(text, true, true).importedFiles.map((f) => f.fileName);
  // type positions (`import('../x.js').T`) are not always in preProcessFile's list
  for (const match of text.matchAll(/import\(\s*['"]([^'"]+)['"]\s*\)/g)) specifiers.push(match[1]!);
  return specifiers
    .filter((s) => s.startsWith('.'))
    .map((s) => relative(SRC, resolve(dirname(file), s)).split(sep).join('/'));
}

/** The layer rule a file at `from` (relative to src/) breaks by importing `to`, or null. */
export function layerViolation(from: string, to: string): string | null {
  const [fromTop, fromKind] = from.split('/');
  const [toTop, toKind] = to.split('/');
  if (fromTop === 'core' && ['sources', 'outputs', 'http', 'config', 'simulators'].includes(toTop!)) {
    return `core imports ${toTop}`;
  }
  if (fromTop === 'outputs' && ['sources', 'http'].includes(toTop!)) return `outputs import ${toTop}`;
  // a source is a folder under sources/; sources/*.ts (types, capabilities, registry) is the shared level
  const fromSource = fromTop === 'sources' && from.split('/').length > 2 ? fromKind : null;
  if (fromSource) {
    if (['outputs', 'http', 'simulators'].includes(toTop!)) return `source ${fromSource} imports ${toTop}`;
    const toSource = toTop === 'sources' && to.split('/').length > 2 ? toKind : null;
    if (toSource && toSource !== fromSource) return `source ${fromSource} imports sibling source ${toSource}`;
  }
  return null;
}

describe('proxy layers', () => {
  it('the rule check catches each kind of violation (and lets the allowed imports through)', () => {
    expect(layerViolation('core/context.ts', 'sources/types.js')).toBe('core imports sources');
    expect(layerViolation('core/circuit.ts', 'outputs/loki.js')).toBe('core imports outputs');
    expect(layerViolation('sources/geth/client.ts', 'sources/stacks/client.js')).toBe('source geth imports sibling source stacks');
    expect(layerViolation('sources/stacks/index.ts', 'outputs/loki.js')).toBe('source stacks imports outputs');
    expect(layerViolation('outputs/loki.ts', 'sources/types.js')).toBe('outputs import sources');
    expect(layerViolation('sources/stacks/index.ts', 'sources/capabilities.js')).toBeNull();
    expect(layerViolation('sources/stacks/index.ts', 'core/upstream.js')).toBeNull();
    expect(layerViolation('sources/cgminer/pools/api.ts', 'sources/cgminer/client.js')).toBeNull();
    expect(layerViolation('sources/registry.ts', 'sources/bitcoin/index.js')).toBeNull();
    expect(layerViolation('http/app.ts', 'outputs/loki.js')).toBeNull();
  });

  it('every file under src/ keeps them', () => {
    const files = tsFiles(SRC);
    expect(files.length).toBeGreaterThan(80);
    const broken: string[] = [];
    let seen = 0;
    for (const file of files) {
      const from = relative(SRC, file).split(sep).join('/');
      for (const to of importsOf(file, readFileSync(file, 'utf8'))) {
        seen++;
        const why = layerViolation(from, to);
        if (why) broken.push(`${from} -> ${to}: ${why}`);
      }
    }
    expect(seen).toBeGreaterThan(300);
    expect(broken).toEqual([]);
  });
});
