// A small, valid catalog archive (an app with one nested panel) that each broken-fixture test
// damages in one place, so every rule is shown to fire on exactly the fault it names.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from '../src/plugins.ts';
import type { ArchiveFiles } from '../src/validator.ts';

export const FIXTURE_ID = 'nodescope-fixture-app';
export const FIXTURE_VERSION = '1.2.3';

const encode = (value: string | object) =>
  new Uint8Array(Buffer.from(typeof value === 'string' ? value : JSON.stringify(value, null, 2)));

// 1x1 PNG
export const PNG = new Uint8Array(
  Buffer.from(
    'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
    'base64'
  )
);
export const LOGO =
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24"><circle cx="12" cy="12" r="10" fill="#f7931a"/></svg>';
const MODULE =
  'define(["react","@grafana/data"],(e,t)=>(()=>{"use strict";return{plugin:new t.AppPlugin}})());\n//# sourceMappingURL=module.js.map\n';
const SOURCE_MAP = {
  version: 3,
  file: 'module.js',
  sources: ['webpack://fixture/./module.ts'],
  sourcesContent: ['export const plugin = new AppPlugin();'],
  names: [],
  mappings: 'AAAA',
};

export function appMetadata(): Record<string, unknown> {
  return {
    $schema:
      'https://raw.githubusercontent.com/grafana/grafana/main/docs/sources/developers/plugins/plugin.schema.json',
    type: 'app',
    name: 'nodescope fixture',
    id: FIXTURE_ID,
    info: {
      description: 'A fixture app',
      author: { name: 'nodescope', url: 'https://github.com/nodescope/nodescope' },
      keywords: ['fixture'],
      logos: { small: 'img/logo.svg', large: 'img/logo.svg' },
      links: [{ name: 'repository', url: 'https://github.com/nodescope/nodescope' }],
      screenshots: [{ name: 'Overview', path: 'img/screenshot.png' }],
      version: FIXTURE_VERSION,
      updated: '2026-11-23',
    },
    includes: [
      { type: 'page', name: 'Configuration', path: `/plugins/${FIXTURE_ID}`, role: 'Admin', addToNav: true },
      { type: 'panel', name: 'Fixture panel', path: 'panels/gauge/plugin.json' },
    ],
    dependencies: { grafanaDependency: '>=12.4.0', plugins: [] },
  };
}

export function panelMetadata(): Record<string, unknown> {
  return {
    type: 'panel',
    name: 'nodescope fixture gauge',
    id: 'nodescope-gauge-panel',
    info: {
      description: 'A fixture panel',
      author: { name: 'nodescope' },
      keywords: ['fixture'],
      logos: { small: 'img/logo.svg', large: 'img/logo.svg' },
      screenshots: [],
      version: FIXTURE_VERSION,
      updated: '2026-11-23',
    },
    dependencies: { grafanaDependency: '>=12.4.0' },
  };
}

/** Archive entries for the fixture: `<id>/…` paths, as the zip holds them. */
export function fixtureArchive(): ArchiveFiles {
  const licence = readFileSync(path.join(REPO_ROOT, 'LICENSE'));
  const files: Record<string, Uint8Array> = {
    'plugin.json': encode(appMetadata()),
    'module.js': encode(MODULE),
    'module.js.map': encode(SOURCE_MAP),
    'README.md': encode(
      '# nodescope fixture\n\nSee [the docs](https://github.com/nodescope/nodescope#readme).\n\n![Overview](https://raw.githubusercontent.com/nodescope/nodescope/main/e2e/screenshots/explore-dark.png)\n'
    ),
    'CHANGELOG.md': encode('# Changelog\n\n## 1.2.3\n\n- First release.\n'),
    LICENSE: new Uint8Array(licence),
    'img/logo.svg': encode(LOGO),
    'img/screenshot.png': PNG,
    'panels/gauge/plugin.json': encode(panelMetadata()),
    'panels/gauge/module.js': encode(MODULE),
    'panels/gauge/module.js.map': encode(SOURCE_MAP),
    'panels/gauge/img/logo.svg': encode(LOGO),
  };
  return new Map(Object.entries(files).map(([name, data]) => [`${FIXTURE_ID}/${name}`, data]));
}

export const asText = (data: Uint8Array | undefined) => Buffer.from(data ?? new Uint8Array()).toString('utf8');
export const setText = (archive: ArchiveFiles, file: string, value: string) =>
  archive.set(`${FIXTURE_ID}/${file}`, encode(value));

// the damage functions reach deep into plugin.json; `any` keeps each one a one-liner
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function editJson(archive: ArchiveFiles, file: string, edit: (json: Record<string, any>) => void): void {
  const key = `${FIXTURE_ID}/${file}`;
  const json = JSON.parse(asText(archive.get(key))) as Record<string, unknown>;
  edit(json);
  archive.set(key, encode(json));
}

/** Moves every entry from the fixture's root folder to another prefix. */
export function reroot(archive: ArchiveFiles, prefix: string): ArchiveFiles {
  return new Map([...archive].map(([name, data]) => [prefix + name.slice(FIXTURE_ID.length + 1), data]));
}
