// Every rule of the Node port of grafana/plugin-validator fires on a fixture broken in exactly
// that way, and stays quiet on the valid fixture.
import { createHash } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { zipSync, type Zippable } from 'fflate';
import { describe, expect, it } from 'vitest';
import {
  checkSourceFile,
  detectLicense,
  isValidGrafanaDependency,
  readZip,
  readZipModes,
  unsafeSvgReason,
  validateArchive,
  type ArchiveFiles,
  type Finding,
  type ValidateOptions,
} from '../src/validator.ts';
import { asText, editJson, FIXTURE_ID, FIXTURE_VERSION, fixtureArchive, PNG, reroot, setText } from './fixture.ts';

const rulesOf = (findings: Finding[]) => findings.map((finding) => `${finding.analyzer}/${finding.rule}`);
const GOOD_OPTIONS: ValidateOptions = {
  zipName: `${FIXTURE_ID}-${FIXTURE_VERSION}.zip`,
  packageVersion: FIXTURE_VERSION,
};

function signedManifest(
  archive: ArchiveFiles,
  edit?: (manifest: { plugin: string; version: string; files: Record<string, string> }) => void
): string {
  const files: Record<string, string> = {};
  for (const [name, data] of archive)
    files[name.slice(FIXTURE_ID.length + 1)] = createHash('sha256').update(data).digest('hex');
  const manifest = { plugin: FIXTURE_ID, version: FIXTURE_VERSION, files };
  edit?.(manifest);
  // the signature block is not verified (that needs grafana.com's public key), only the signed body
  return `-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA512\n\n${JSON.stringify(manifest, null, 2)}\n-----BEGIN PGP SIGNATURE-----\nVersion: OpenPGP.js v4.10.1\n\nwsBcBAEBCAAQBQJ=\n-----END PGP SIGNATURE-----\n`;
}

describe('the valid fixture', () => {
  it('passes every rule; the only finding is that it is unsigned', () => {
    expect(rulesOf(validateArchive(fixtureArchive(), GOOD_OPTIONS))).toEqual(['manifest/unsigned-plugin']);
  });

  it('with a correct MANIFEST.txt has no findings at all', () => {
    const archive = fixtureArchive();
    setText(archive, 'MANIFEST.txt', signedManifest(archive));
    expect(validateArchive(archive, GOOD_OPTIONS)).toEqual([]);
  });
});

type Breakage = [rule: string, damage: (archive: ArchiveFiles) => ArchiveFiles | void, options?: ValidateOptions];

const BROKEN: Breakage[] = [
  ['archive/empty-archive', (archive) => (archive.clear(), archive)],
  ['archive/more-than-one-dir', (archive) => void archive.set('extra/notes.txt', new Uint8Array([1]))],
  ['archive/no-root-dir', () => new Map([['plugin.json', new Uint8Array(Buffer.from('{}'))]])],
  ['archive/dist', (archive) => reroot(archive, `${FIXTURE_ID}/dist/`)],
  ['archivename/no-ident-root-dir', (archive) => reroot(archive, 'dist/')],
  ['metadata/missing-metadata', (archive) => void archive.delete(`${FIXTURE_ID}/plugin.json`)],
  ['nestedmetadata/invalid-metadata', (archive) => void setText(archive, 'panels/gauge/plugin.json', '{"id": ')],
  [
    'metadatavalid/invalid-metadata',
    (archive) => editJson(archive, 'plugin.json', (json) => void (json.homepage = 'https://example.com')),
  ],
  [
    'metadatavalid/invalid-metadata',
    (archive) => editJson(archive, 'plugin.json', (json) => void delete json.dependencies),
  ],
  [
    'metadatavalid/invalid-metadata',
    (archive) =>
      editJson(
        archive,
        'plugin.json',
        (json) => void (json.info.links = [{ name: 'docs', url: 'github.com/nodescope' }])
      ),
  ],
  [
    'metadatavalid/invalid-metadata',
    (archive) => editJson(archive, 'plugin.json', (json) => void (json.info.keywords = [])),
  ],
  [
    'metadatavalid/invalid-metadata',
    (archive) => editJson(archive, 'panels/gauge/plugin.json', (json) => void (json.info.author.twitter = '@x')),
  ],
  [
    'metadatavalid/invalid-metadata',
    (archive) => editJson(archive, 'plugin.json', (json) => void (json.info.updated = 'today')),
  ],
  [
    'metadatavalid/invalid-metadata',
    (archive) =>
      editJson(
        archive,
        'plugin.json',
        (json) => void (json.routes = [{ path: 'api', url: 'https://x', headers: [], secure: true }])
      ),
  ],
  [
    'metadatavalid/invalid-metadata',
    (archive) => editJson(archive, 'plugin.json', (json) => void (json.routes = [{ url: 'https://x' }])),
  ],
  [
    'typesuffix/plugin-type-suffix',
    (archive) => editJson(archive, 'panels/gauge/plugin.json', (json) => void (json.id = 'nodescope-gauge-app')),
  ],
  [
    'pluginname/invalid-id-format',
    (archive) => editJson(archive, 'panels/gauge/plugin.json', (json) => void (json.id = 'nodescope-panel')),
  ],
  [
    'pluginname/human-friendly-name',
    (archive) => editJson(archive, 'plugin.json', (json) => void (json.name = FIXTURE_ID)),
  ],
  [
    'logos/logos',
    (archive) => editJson(archive, 'panels/gauge/plugin.json', (json) => void (json.info.logos.small = '')),
  ],
  [
    'metadatapaths/path-not-exists',
    (archive) => editJson(archive, 'plugin.json', (json) => void (json.info.logos.large = 'img/large.svg')),
  ],
  ['metadatapaths/path-not-exists', (archive) => void archive.delete(`${FIXTURE_ID}/img/screenshot.png`)],
  ['metadatapaths/path-not-exists', (archive) => void archive.delete(`${FIXTURE_ID}/panels/gauge/img/logo.svg`)],
  [
    'metadatapaths/invalid-relative-path',
    (archive) => editJson(archive, 'plugin.json', (json) => void (json.info.logos.small = './img/logo.svg')),
  ],
  [
    'metadatapaths/path-relative-to-metadata',
    (archive) =>
      editJson(archive, 'plugin.json', (json) => void (json.info.screenshots[0].path = 'https://example.com/shot.png')),
  ],
  [
    'screenshots/screenshots',
    (archive) => editJson(archive, 'plugin.json', (json) => void (json.info.screenshots = [])),
  ],
  [
    'screenshots/screenshots-image-type',
    (archive) => {
      archive.set(`${FIXTURE_ID}/img/screenshot.jpg`, PNG);
      editJson(archive, 'plugin.json', (json) => void (json.info.screenshots[0].path = 'img/screenshot.jpg'));
    },
  ],
  ['screenshots/screenshots-image-type', (archive) => void setText(archive, 'img/screenshot.png', 'not an image')],
  [
    'discoverability/empty-description',
    (archive) => editJson(archive, 'plugin.json', (json) => void (json.info.description = '')),
  ],
  [
    'grafanadependency/invalid-grafana-dependency',
    (archive) => editJson(archive, 'plugin.json', (json) => void (json.dependencies.grafanaDependency = 'twelve')),
  ],
  [
    'grafanadependency/invalid-grafana-dependency',
    (archive) =>
      editJson(archive, 'panels/gauge/plugin.json', (json) => void (json.dependencies.grafanaDependency = '')),
  ],
  [
    'restrictivedep/depends-on-patch-releases',
    (archive) => editJson(archive, 'plugin.json', (json) => void (json.dependencies.grafanaDependency = '12.4.x')),
  ],
  [
    'restrictivedep/depends-on-single-release',
    (archive) => editJson(archive, 'plugin.json', (json) => void (json.dependencies.grafanaDependency = '12.4.1')),
  ],
  [
    'version/wrong-plugin-version',
    (archive) => editJson(archive, 'plugin.json', (json) => void (json.info.version = '1.2')),
  ],
  [
    'nodescope/build-variables-left',
    (archive) => editJson(archive, 'plugin.json', (json) => void (json.info.version = '%VERSION%')),
  ],
  [
    'nodescope/build-variables-left',
    (archive) => void setText(archive, 'README.md', '# nodescope fixture\n\nBuilt %TODAY%.\n'),
  ],
  ['modulejs/missing-modulejs', (archive) => void archive.delete(`${FIXTURE_ID}/panels/gauge/module.js`)],
  ['modulejs/missing-modulejs', (archive) => void archive.delete(`${FIXTURE_ID}/module.js`)],
  ['jssourcemap/js-map-not-found', (archive) => void archive.delete(`${FIXTURE_ID}/panels/gauge/module.js.map`)],
  ['jssourcemap/js-map-invalid', (archive) => void setText(archive, 'module.js.map', '{"version":3}')],
  [
    'trackingscripts/tracking-scripts',
    (archive) =>
      void setText(
        archive,
        'module.js',
        `${asText(archive.get(`${FIXTURE_ID}/module.js`))}fetch("https://www.google-analytics.com/collect");`
      ),
  ],
  [
    'coderules/api-ds-query-endpoint',
    (archive) =>
      void setText(archive, 'panels/gauge/module.js', 'define([],()=>fetch("/api/ds/query",{method:"POST"}));'),
  ],
  [
    'coderules/detect-invalid-window-properties',
    (archive) => void setText(archive, 'module.js', 'define([],()=>window.grafanaBootData.user);'),
  ],
  [
    'coderules/detect-old-react-internals',
    (archive) =>
      void setText(archive, 'module.js', 'define([],()=>React.__SECRET_INTERNALS_DO_NOT_USE_OR_YOU_WILL_BE_FIRED);'),
  ],
  [
    'nodescope/process-env',
    (archive) => void setText(archive, 'panels/gauge/module.js', 'define([],()=>process.env.NODE_ENV);'),
  ],
  [
    'backendbinary/backend-binary-mission',
    (archive) => editJson(archive, 'plugin.json', (json) => void (json.backend = true)),
  ],
  [
    'backendbinary/backend-binary-not-linux-amd64',
    (archive) =>
      editJson(archive, 'plugin.json', (json) => Object.assign(json, { backend: true, executable: 'gpx_fixture' })),
  ],
  [
    'backendbinary/backend-found-but-not-declared',
    (archive) => void archive.set(`${FIXTURE_ID}/gpx_fixture_linux_amd64`, new Uint8Array([0x7f, 0x45, 0x4c, 0x46])),
  ],
  [
    'backendbinary/backend-found-but-not-declared',
    (archive) => editJson(archive, 'plugin.json', (json) => void (json.executable = 'gpx_fixture')),
  ],
  [
    'backendbinary/alerting-found-but-backend-false',
    (archive) => editJson(archive, 'panels/gauge/plugin.json', (json) => void (json.alerting = true)),
  ],
  [
    'includesnested/nested-plugin-id-in-non-app',
    (archive) => {
      editJson(archive, 'plugin.json', (json) =>
        Object.assign(json, { type: 'datasource', id: 'nodescope-fixture-datasource' })
      );
      return reroot(archive, 'nodescope-fixture-datasource/');
    },
  ],
  [
    'includesnested/nested-plugins-not-declared',
    (archive) => editJson(archive, 'plugin.json', (json) => void (json.includes = json.includes.slice(0, 1))),
  ],
  [
    'includesnested/nested-plugins-not-declared',
    (archive) => editJson(archive, 'plugin.json', (json) => void (json.includes[1].path = 'panels/gauge')),
  ],
  [
    'includesnested/nested-plugin-missing-type',
    (archive) => editJson(archive, 'plugin.json', (json) => void delete json.includes[1].type),
  ],
  [
    'includesnested/nested-plugin-type-missmatch',
    (archive) => editJson(archive, 'plugin.json', (json) => void (json.includes[1].type = 'datasource')),
  ],
  [
    'metadatapaths/path-not-exists',
    (archive) =>
      editJson(
        archive,
        'plugin.json',
        (json) => void json.includes.push({ type: 'dashboard', name: 'Overview', path: 'dashboards/overview.json' })
      ),
  ],
  ['readme/missing-readme', (archive) => void archive.delete(`${FIXTURE_ID}/README.md`)],
  ['readme/missing-readme', (archive) => void setText(archive, 'README.md', '  \n')],
  ['readme/readme-comment', (archive) => void setText(archive, 'README.md', '# nodescope fixture\n<!-- TODO -->\n')],
  [
    'templatereadme/template-readme',
    (archive) =>
      void setText(archive, 'README.md', '# Grafana Panel Plugin Template\n\nThis template is a starting point.\n'),
  ],
  [
    'jargon/developer-jargon',
    (archive) => void setText(archive, 'README.md', '# nodescope fixture\n\nRun yarn install first.\n'),
  ],
  [
    'brokenlinks/relative-link',
    (archive) => void setText(archive, 'README.md', '# nodescope fixture\n\n![Overview](img/screenshot.png)\n'),
  ],
  [
    'brokenlinks/relative-link',
    (archive) =>
      void setText(archive, 'README.md', '# nodescope fixture\n\nSee [the docs](./docs/setup.md "setup").\n'),
  ],
  ['changelog/missing-changelog', (archive) => void archive.delete(`${FIXTURE_ID}/CHANGELOG.md`)],
  ['license/license-not-provided', (archive) => void archive.delete(`${FIXTURE_ID}/LICENSE`)],
  [
    'license/license-not-valid',
    (archive) => void setText(archive, 'LICENSE', 'Copyright 2026 nodescope. All rights reserved.\n'),
  ],
  [
    'license/license-with-generic-text',
    (archive) =>
      void setText(
        archive,
        'LICENSE',
        'MIT License\n\nCopyright (c) {yyyy} {name of copyright owner}\n\nPermission is hereby granted, free of charge, to any person obtaining a copy of this software\n'
      ),
  ],
  [
    'unsafesvg/unsafe-svg-file',
    (archive) =>
      void setText(
        archive,
        'panels/gauge/img/logo.svg',
        '<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><rect width="1" height="1"/></svg>'
      ),
  ],
  [
    'unsafesvg/unsafe-svg-file',
    (archive) =>
      void setText(
        archive,
        'img/extra.svg',
        '<svg xmlns="http://www.w3.org/2000/svg"><script>fetch("https://evil.example")</script></svg>'
      ),
  ],
  [
    'manifest/wrong-manifest',
    (archive) =>
      void setText(
        archive,
        'MANIFEST.txt',
        signedManifest(archive, (manifest) => void (manifest.version = '9.9.9'))
      ),
  ],
  ['manifest/wrong-manifest', (archive) => void setText(archive, 'MANIFEST.txt', 'not signed')],
  ['manifest/empty-manifest', (archive) => void setText(archive, 'MANIFEST.txt', signedManifest(new Map()))],
  [
    'manifest/undeclared-files',
    (archive) => {
      setText(archive, 'MANIFEST.txt', signedManifest(archive));
      setText(archive, 'img/added-later.svg', '<svg xmlns="http://www.w3.org/2000/svg"/>');
    },
  ],
  [
    'manifest/invalid-sha-sum',
    (archive) => {
      setText(archive, 'MANIFEST.txt', signedManifest(archive));
      setText(archive, 'CHANGELOG.md', '# Changelog\n\n## 1.2.3\n\n- Edited after signing.\n');
    },
  ],
  ['packagejson/packagecode-version-mismatch', () => undefined, { ...GOOD_OPTIONS, packageVersion: '1.3.0' }],
  ['nodescope/zip-name', () => undefined, { ...GOOD_OPTIONS, zipName: `${FIXTURE_ID}.zip` }],
];

describe('each rule fails its broken fixture', () => {
  it.each(BROKEN.map(([rule, damage, options], index) => [`${rule} #${index}`, rule, damage, options] as const))(
    '%s',
    (_name, rule, damage, options) => {
      const archive = fixtureArchive();
      const damaged = damage(archive) ?? archive;
      expect(rulesOf(validateArchive(damaged, options ?? GOOD_OPTIONS))).toContain(rule);
    }
  );
});

describe('source rules (coderules, as semgrep applies them to src/)', () => {
  const cases: Array<[rule: string, code: string]> = [
    ['api-ds-query-endpoint', "getBackendSrv().post('/api/ds/query', body);"],
    ['detect-invalid-window-properties', 'const user = window.grafanaBootData.user;'],
    ['detect-topnav-toggle', 'if (config.featureToggles.topnav) {}'],
    ['detect-console-logs', 'console.log(frames);'],
    ['no-direct-css-imports', "import './styles.css';"],
    ['no-direct-css-imports', "import { Global } from '@emotion/react';"],
    ['native-browser-dialogs', "if (confirm('sure?')) remove();"],
    ['window-open-without-noopener', "window.open(url, '_blank');"],
    ['direct-window-location', 'const here = window.location.href;'],
    ['ts-ignore', '// @ts-ignore\nconst x: number = "1";'],
    ['deprecated-gf-form', '<div className="gf-form-inline" />'],
    [
      'backend-datasource-testdatasource',
      'class DS extends DataSourceWithBackend<Q> {\n  async testDatasource() { return { status: "success" }; }\n}',
    ],
    ['process-env', 'const url = process.env.PROXY_URL;'],
  ];
  it.each(cases)('%s fires', (rule, code) => {
    expect(checkSourceFile('src/x.ts', code).map((finding) => finding.rule)).toContain(rule);
  });

  it('stays quiet on the allowed forms', () => {
    const code = [
      "window.open(url, '_blank', 'noopener,noreferrer');",
      'this.confirmDelete();',
      "locationService.partial({ tab: 'x' });",
      "const styles = css({ color: 'red' });",
      'class DS extends DataSourceWithBackend<Q> {}',
    ].join('\n');
    expect(checkSourceFile('src/x.ts', code)).toEqual([]);
  });
});

describe('helpers', () => {
  it.each([
    '>=12.4.0',
    '>=11.0.0 <13',
    '>=10.4.0 || >=11.1.0',
    '^12.4.0',
    '~12.4',
    '>= 12.4.0',
    '>=12.0.0-0',
    '12.x',
    '1.2 - 1.4',
  ])('%s is a valid grafanaDependency', (range) => {
    expect(isValidGrafanaDependency(range)).toBe(true);
  });
  it.each(['', 'twelve', '>=', '>=12.4.0 ||', 'latest', '=>12'])('%j is not', (range) => {
    expect(isValidGrafanaDependency(range)).toBe(false);
  });
  it('unsafe SVG: forbidden elements and on* attributes, whatever their case or namespace', () => {
    expect(unsafeSvgReason('<svg><foreignObject><iframe src="x"/></foreignObject></svg>')).toMatch(/iframe/);
    expect(unsafeSvgReason('<svg><rect ONCLICK="x()"/></svg>')).toMatch(/ONCLICK/);
    expect(unsafeSvgReason('<svg><svg:script/></svg>')).toMatch(/script/);
    expect(
      unsafeSvgReason('<svg><!-- <script> in a comment --><rect opacity="1" offset="2" orient="auto"/></svg>')
    ).toBeUndefined();
  });
  it('licences the catalog accepts are recognised, others are not', () => {
    expect(detectLicense(asText(fixtureArchive().get(`${FIXTURE_ID}/LICENSE`)))).toBe('Apache-2.0');
    expect(detectLicense('GNU AFFERO GENERAL PUBLIC LICENSE\n   Version 3, 19 November 2007')).toBe('AGPL-3.0');
    expect(detectLicense('Proprietary. Do not copy.')).toBeUndefined();
  });
});

describe('jssourcemap against the submitted source (js-map-no-match)', () => {
  const sourceDir = mkdtempSync(path.join(tmpdir(), 'nodescope-src-'));
  const sourceDirOf = (id: string) => (id === FIXTURE_ID || id === 'nodescope-gauge-panel' ? sourceDir : undefined);

  it('passes when every embedded source equals the file', () => {
    writeFileSync(path.join(sourceDir, 'module.ts'), 'export const plugin = new AppPlugin();');
    expect(rulesOf(validateArchive(fixtureArchive(), { ...GOOD_OPTIONS, sourceDirOf }))).toEqual([
      'manifest/unsigned-plugin',
    ]);
  });

  it('fails when the source changed after the build', () => {
    writeFileSync(path.join(sourceDir, 'module.ts'), 'export const plugin = new AppPlugin().setRootPage(Root);');
    expect(rulesOf(validateArchive(fixtureArchive(), { ...GOOD_OPTIONS, sourceDirOf }))).toContain(
      'jssourcemap/js-map-no-match'
    );
  });

  it('fails when the map names a file the source does not have', () => {
    const empty = mkdtempSync(path.join(tmpdir(), 'nodescope-src-'));
    expect(rulesOf(validateArchive(fixtureArchive(), { ...GOOD_OPTIONS, sourceDirOf: () => empty }))).toContain(
      'jssourcemap/js-map-no-match'
    );
  });
});

describe('binarypermissions (modes read from the zip itself)', () => {
  function backendZip(mode: number, withBinary = true): Uint8Array {
    const archive = fixtureArchive();
    editJson(archive, 'plugin.json', (json) => Object.assign(json, { backend: true, executable: 'gpx_fixture' }));
    const entries: Zippable = {};
    for (const [name, data] of archive) entries[name] = [data, { os: 3, attrs: (0o100644 << 16) >>> 0 }];
    if (withBinary)
      entries[`${FIXTURE_ID}/gpx_fixture_linux_amd64`] = [
        new Uint8Array([0x7f, 0x45, 0x4c, 0x46]),
        { os: 3, attrs: ((0o100000 | mode) << 16) >>> 0 },
      ];
    return zipSync(entries);
  }
  const check = (zip: Uint8Array) =>
    rulesOf(validateArchive(readZip(zip), { ...GOOD_OPTIONS, modes: readZipModes(zip) }));

  it('a backend binary with mode 0755 passes', () => {
    expect(readZipModes(backendZip(0o755)).get(`${FIXTURE_ID}/gpx_fixture_linux_amd64`)).toBe(0o755);
    expect(check(backendZip(0o755))).toEqual(['manifest/unsigned-plugin']);
  });
  it('binarypermissions/binary-executable-permissions: one with 0644 fails', () => {
    expect(check(backendZip(0o644))).toContain('binarypermissions/binary-executable-permissions');
  });
  it('binarypermissions/binary-executable-found: backend true without any binary fails', () => {
    expect(check(backendZip(0o755, false))).toContain('binarypermissions/binary-executable-found');
  });
  it("a nested plugin's binaries belong to it: declared there they pass, undeclared there they fail there, never at the root", () => {
    const nestedZip = (declared: boolean) => {
      const archive = fixtureArchive();
      if (declared) editJson(archive, 'panels/gauge/plugin.json', (json) => Object.assign(json, { backend: true, executable: 'gpx_gauge' }));
      const entries: Zippable = {};
      for (const [name, data] of archive) entries[name] = [data, { os: 3, attrs: (0o100644 << 16) >>> 0 }];
      entries[`${FIXTURE_ID}/panels/gauge/gpx_gauge_linux_amd64`] = [new Uint8Array([0x7f, 0x45, 0x4c, 0x46]), { os: 3, attrs: (0o100755 << 16) >>> 0 }];
      return zipSync(entries);
    };
    expect(check(nestedZip(true))).toEqual(['manifest/unsigned-plugin']);
    const findings = validateArchive(readZip(nestedZip(false)), { ...GOOD_OPTIONS, modes: readZipModes(nestedZip(false)) });
    const undeclared = findings.filter((f) => f.rule === 'backend-found-but-not-declared');
    expect(undeclared.map((f) => f.message.split(':')[0])).toEqual(['panels/gauge/plugin.json']);
  });
});
