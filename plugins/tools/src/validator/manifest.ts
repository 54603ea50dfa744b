import { createHash } from 'node:crypto';
import type { Metadata } from './metadata.ts';
import { text, type ArchiveFiles, type Finding, type Severity } from './types.ts';
// --- MANIFEST.txt (manifest analyzer; the PGP signature itself needs grafana.com's keys) -------

export function manifestFindings(files: ArchiveFiles, metadata: Metadata): Finding[] {
  const raw = files.get('MANIFEST.txt');
  const finding = (rule: string, severity: Severity, message: string): Finding => ({
    analyzer: 'manifest',
    rule,
    severity,
    message,
  });
  if (!raw)
    return [
      finding(
        'unsigned-plugin',
        'warning',
        'unsigned plugin: no MANIFEST.txt (run npm run sign before npm run package)'
      ),
    ];
  const body = /-----BEGIN PGP SIGNED MESSAGE-----[\s\S]*?\n\n([\s\S]*?)\n-----BEGIN PGP SIGNATURE-----/.exec(
    text(raw)
  )?.[1];
  let manifest: { plugin?: string; version?: string; files?: Record<string, string> } | undefined;
  try {
    manifest = body ? JSON.parse(body) : undefined;
  } catch {
    manifest = undefined;
  }
  if (!manifest) return [finding('wrong-manifest', 'error', 'MANIFEST.txt is not a signed JSON manifest')];
  const findings: Finding[] = [];
  if (manifest.plugin !== metadata.id || manifest.version !== metadata.info?.version) {
    findings.push(
      finding(
        'wrong-manifest',
        'error',
        `MANIFEST.txt is for ${manifest.plugin} ${manifest.version}, not ${String(metadata.id)} ${String(metadata.info?.version)}`
      )
    );
  }
  const listed = manifest.files ?? {};
  if (Object.keys(listed).length === 0)
    findings.push(finding('empty-manifest', 'error', 'MANIFEST.txt lists no files'));
  for (const [file, data] of files) {
    if (file === 'MANIFEST.txt') continue;
    const sha = listed[file];
    if (sha === undefined) findings.push(finding('undeclared-files', 'error', `${file} is not in MANIFEST.txt`));
    else if (createHash('sha256').update(data).digest('hex') !== sha)
      findings.push(finding('invalid-sha-sum', 'error', `${file}: sha256 differs from MANIFEST.txt`));
  }
  return findings;
}
