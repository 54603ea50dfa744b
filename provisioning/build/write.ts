// Writes every generated provisioning file. Run from the repository root:
//   npx node provisioning/build/write.ts        (Node 22 runs the TypeScript directly)
// provisioning/test/generated.test.ts fails when a committed file differs from this output.
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generatedFiles } from './files.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const files = generatedFiles();

// dashboards and export folders hold only generated JSON: drop the ones no longer generated
for (const dir of ['nodescope', 'prometheus', 'influxdb'].flatMap((folder) => [`dashboards/${folder}`, `export/${folder}`])) {
  let present: string[] = [];
  try {
    present = readdirSync(join(root, dir));
  } catch {
    // folder not there yet
  }
  for (const name of present) if (!(`${dir}/${name}` in files)) rmSync(join(root, dir, name));
}

for (const [path, text] of Object.entries(files)) {
  mkdirSync(dirname(join(root, path)), { recursive: true });
  writeFileSync(join(root, path), text);
}
console.log(`wrote ${Object.keys(files).length} files under provisioning/`);
