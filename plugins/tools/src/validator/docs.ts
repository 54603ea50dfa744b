// The archive's documents: readme, templatereadme, jargon, brokenlinks (format only: no HTTP here), changelog, license, unsafesvg.
import { detectLicense, unsafeSvgReason } from './files.ts';
import { isAbsoluteUrl } from './metadata.ts';
import { BUILD_VARIABLES, text, type ArchiveFiles, type Report } from './types.ts';
/** README, CHANGELOG, LICENSE and every SVG of the archive. */
export function docsFindings(files: ArchiveFiles, report: Report): void {
  // readme, templatereadme, jargon, brokenlinks (format only: no HTTP here)
  const readme = text(files.get('README.md'));
  if (readme.trim() === '') report('readme', 'missing-readme', 'error', 'README.md is missing or empty');
  else {
    if (/<!--/.test(readme)) report('readme', 'readme-comment', 'warning', 'README.md contains HTML comments');
    if (/^# Grafana (Panel|Data Source|Data Source Backend) Plugin Template/.test(readme))
      report('templatereadme', 'template-readme', 'error', 'README.md: uses README from template');
    // the validator's jargon analyzer: a plain, case-sensitive substring match
    if (['yarn', 'nodejs'].some((word) => readme.includes(word)))
      report(
        'jargon',
        'developer-jargon',
        'warning',
        'README.md talks about yarn or nodejs; move developer notes elsewhere'
      );
    for (const match of readme.matchAll(/\[.+?\]\((.+?)\)/g)) {
      const target = (match[1] ?? '').trim().split(/\s+/)[0] ?? '';
      if (target.startsWith('#') || target.startsWith('mailto:')) continue;
      if (!/^https?:\/\//.test(target))
        report('brokenlinks', 'relative-link', 'error', `README.md: convert relative link to absolute: ${target}`);
      else if (!isAbsoluteUrl(target))
        report('brokenlinks', 'broken-link', 'warning', `README.md: malformed link ${target}`);
    }
    if (BUILD_VARIABLES.test(readme))
      report('nodescope', 'build-variables-left', 'error', 'README.md still holds %VERSION%, %TODAY% or %PLUGIN_ID%');
  }

  // changelog, license
  if (text(files.get('CHANGELOG.md')).trim() === '')
    report('changelog', 'missing-changelog', 'warning', 'CHANGELOG.md is missing or empty');
  const licenceFile = ['LICENSE', 'LICENSE.md', 'LICENSE.txt', 'LICENCE'].find((candidate) => files.has(candidate));
  if (!licenceFile) report('license', 'license-not-provided', 'error', 'no LICENSE file in the archive');
  else {
    const licence = text(files.get(licenceFile));
    if (!detectLicense(licence))
      report(
        'license',
        'license-not-valid',
        'error',
        `${licenceFile} is not BSD, MIT, Apache-2.0, LGPL-3.0, GPL-3.0 or AGPL-3.0`
      );
    else if (/\{yyyy\}|\{name of copyright owner\}/.test(licence))
      report(
        'license',
        'license-with-generic-text',
        'warning',
        `${licenceFile} still has the {yyyy} / {name of copyright owner} placeholders`
      );
  }

  // unsafesvg: every svg in the archive
  for (const [name, data] of files) {
    if (!name.toLowerCase().endsWith('.svg')) continue;
    const reason = unsafeSvgReason(text(data));
    if (reason) report('unsafesvg', 'unsafe-svg-file', 'error', `SVG file ${name} is unsafe: ${reason}`);
  }
}
