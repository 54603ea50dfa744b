// sdkusage's go.mod rules, on the validator's own test cases and on this repository's backend.
// Expected rule names and messages: grafana/plugin-validator@a7e38aae36a336062e9aa5ee9dd36435851daac2
// pkg/analysis/passes/sdkusage/sdkusage.go (rules :18-21; go.mod missing :79-90, unparsable
// :103-113, SDK not required :125-133, SDK replaced :146-157); the go.mod texts are its testdata
// folders' (testdata/{gomodwrong,nografanagosdk,replaced-sdk}/go.mod), the titles those
// sdkusage_test.go expects (TestGoModNotFound :44, TestGoModNotParseable :75, nografanagosdk :161,
// replaced-sdk :327).
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseGoMod, sdkUsageFindings } from '../src/sdkusage.ts';
import { validateArchive, type Finding } from '../src/validator.ts';
import { editJson, FIXTURE_ID, fixtureArchive } from './fixture.ts';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

function source(goMod?: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'sdkusage-'));
  mkdirSync(path.join(dir, 'pkg'));
  if (goMod !== undefined) writeFileSync(path.join(dir, 'go.mod'), goMod);
  return dir;
}

describe('sdkusage (go.mod)', () => {
  it('go-mod-not-found: a backend plugin without go.mod beside pkg/', () => {
    expect(sdkUsageFindings(source())).toEqual([{ rule: 'go-mod-not-found', message: 'go.mod can not be found in your source code' }]);
  });

  // testdata/gomodwrong/go.mod is not a go.mod; the validator reports go-mod-not-found (:103-113)
  it('an unparsable go.mod is go-mod-not-found too', () => {
    expect(sdkUsageFindings(source("mock content for a gomod file that can't be parsed\n"))).toEqual([{ rule: 'go-mod-not-found', message: 'go.mod can not be parsed from your source code' }]);
    expect(sdkUsageFindings(source('module x\nrequire (\n\tgithub.com/a/b v1.0.0\n'))).toMatchObject([{ rule: 'go-mod-not-found' }]);
  });

  // testdata/nografanagosdk/go.mod: a module that requires other things only
  it('go-sdk-not-used: the SDK is not required', () => {
    const goMod = 'module github.com/grafana/grafana-testinggomod-datasource\n\ngo 1.22\n\nrequire (\n)\n';
    expect(sdkUsageFindings(source(goMod))).toEqual([{ rule: 'go-sdk-not-used', message: 'Your plugin uses a backend (backend=true), but the Grafana Go SDK is not used' }]);
  });

  // testdata/replaced-sdk/go.mod: the SDK replaced by a fork
  it('go-sdk-replaced: a fork of the SDK', () => {
    const goMod =
      'module github.com/grafana/grafana-testing-replaced-sdk-datasource\n\ngo 1.22\n\nrequire (\n\tgithub.com/grafana/grafana-plugin-sdk-go v0.260.3\n)\n\nreplace github.com/grafana/grafana-plugin-sdk-go v0.260.3 => ./grafana-plugin-sdk-go\n';
    expect(sdkUsageFindings(source(goMod))).toEqual([{ rule: 'go-sdk-replaced', message: 'Your plugin is using a custom or forked version of the Grafana Go SDK' }]);
    // a replace that keeps the SDK's own path (a version pin) is not a fork (:148-149)
    const pinned = goMod.replace('=> ./grafana-plugin-sdk-go', '=> github.com/grafana/grafana-plugin-sdk-go v0.260.4');
    expect(sdkUsageFindings(source(pinned))).toEqual([]);
  });

  it('parses single-line and block directives with comments', () => {
    const mod = parseGoMod('module m // comment\ngo 1.26\nrequire (\n\tgithub.com/grafana/grafana-plugin-sdk-go v0.300.0 // indirect\n\tgithub.com/a/b v1.0.0\n)\nreplace (\n\tgithub.com/a/b v1.0.0 => ../b\n)\n');
    expect([...mod.require]).toEqual([
      ['github.com/grafana/grafana-plugin-sdk-go', 'v0.300.0'],
      ['github.com/a/b', 'v1.0.0'],
    ]);
    expect(mod.replace).toEqual([{ old: 'github.com/a/b', new: '../b' }]);
  });

  it("this repository's backend datasource passes: plugins/datasource/go.mod beside pkg/, the SDK required", () => {
    expect(sdkUsageFindings(path.join(REPO, 'plugins/datasource'))).toEqual([]);
  });

  it('validateArchive applies it to a backend plugin.json whose source it knows', () => {
    const archive = fixtureArchive();
    editJson(archive, 'plugin.json', (json) => Object.assign(json, { backend: true, executable: 'gpx_fixture' }));
    archive.set(`${FIXTURE_ID}/gpx_fixture_linux_amd64`, new Uint8Array([0x7f, 0x45, 0x4c, 0x46]));
    const dir = source();
    const sdk = (findings: Finding[]) => findings.filter((f) => f.analyzer === 'sdkusage').map((f) => `${f.severity} ${f.rule}: ${f.message}`);
    const sourceDirOf = () => path.join(dir, 'src');
    expect(sdk(validateArchive(archive, { sourceDirOf }))).toEqual(["error go-mod-not-found: plugin.json: go.mod can not be found in your source code"]);
    writeFileSync(path.join(dir, 'go.mod'), 'module m\n\ngo 1.26\n\nrequire github.com/grafana/grafana-plugin-sdk-go v0.300.0\n');
    expect(sdk(validateArchive(archive, { sourceDirOf }))).toEqual([]);
    // the rule needs the source, as the validator's (no sourcecode result, no check)
    writeFileSync(path.join(dir, 'go.mod'), 'not a go.mod');
    expect(sdk(validateArchive(archive, {}))).toEqual([]);
  });
});
