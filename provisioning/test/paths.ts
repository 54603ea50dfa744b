// Where the provisioning tree and the Debian binaries the tests drive live.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const PROVISIONING = join(dirname(fileURLToPath(import.meta.url)), '..');
export const REPO = join(PROVISIONING, '..');

function binary(name: string): string {
  for (const dir of (process.env.PATH ?? '').split(':').concat(['/usr/bin', '/usr/local/bin'])) {
    const candidate = join(dir, name);
    if (dir && existsSync(candidate)) return candidate;
  }
  throw new Error(`${name} not found: install Debian's prometheus / victoria-metrics packages (scripts/system-deps.sh does)`);
}

export const PROMTOOL = binary('promtool');
export const PROMETHEUS = binary('prometheus');
export const VMALERT = binary('vmalert');
