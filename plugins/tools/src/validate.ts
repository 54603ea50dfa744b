// Applies the plugin-validator rules (validator.ts) to built zips, e.g. after `npm run package`:
//   node plugins/tools/src/validate.ts dist-packages/*.zip
// Prints every finding; exits 1 when any is an error. The version is checked against the
// package.json of the workspace that owns the plugin id, each source map against its src/.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { workspacePlugins } from './plugins.ts';
import { errorsOf, formatFindings, readZip, readZipModes, validateArchive } from './validator.ts';

const zips = process.argv.slice(2).filter((file) => file.endsWith('.zip'));
if (zips.length === 0) {
  process.stderr.write('usage: validate.ts <plugin zip>...\n');
  process.exit(2);
}
// every workspace, so that the nested plugins' source maps are checked against their src/ too
const plugins = workspacePlugins();
let failed = false;
for (const zip of zips) {
  const bytes = readFileSync(zip);
  const files = readZip(bytes);
  const id = [...files.keys()][0]?.split('/')[0];
  const owner = plugins.find((plugin) => plugin.id === id);
  const findings = validateArchive(files, {
    zipName: path.basename(zip),
    modes: readZipModes(bytes),
    packageVersion: owner?.version,
    sourceDirOf: (pluginId) => plugins.find((plugin) => plugin.id === pluginId)?.dir.concat('/src'),
  });
  const errors = errorsOf(findings).length;
  failed ||= errors > 0;
  process.stdout.write(`${path.basename(zip)}: ${errors} errors, ${findings.length - errors} other findings\n`);
  if (findings.length > 0) process.stdout.write(`${formatFindings(findings)}\n`);
}
process.exit(failed ? 1 : 0);
