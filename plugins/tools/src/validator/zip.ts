// Reading a plugin zip (entries and unix modes) and its source maps.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { unzipSync } from 'fflate';
import type { ArchiveFiles } from './types.ts';

/**
 * jssourcemap's js-map-no-match: every source the map embeds from the plugin's own code must equal
 * the file in the submitted source (webpack's context is src/, so `webpack://<id>/./x.ts` is
 * `src/x.ts` and `./../../shared/src/y.ts` leaves it). Webpack runtime and externals are skipped.
 */
export function sourceMapMismatches(mapText: string, sourceDir: string): string[] {
  const map = JSON.parse(mapText) as { sources?: string[]; sourcesContent?: Array<string | null> };
  const problems: string[] = [];
  (map.sources ?? []).forEach((source, index) => {
    const relative = /^webpack:\/\/[^/]*\/(\..*)$/.exec(source)?.[1];
    if (!relative || relative.includes('/node_modules/')) return;
    const file = path.resolve(sourceDir, relative);
    const embedded = map.sourcesContent?.[index];
    if (!existsSync(file)) problems.push(`${relative} is in the source map but not in the source`);
    else if (typeof embedded !== 'string') problems.push(`${relative} has no sourcesContent`);
    else if (embedded !== readFileSync(file, 'utf8')) problems.push(`${relative} differs from the source`);
  });
  return problems;
}

export function readZip(bytes: Uint8Array): ArchiveFiles {
  const files: ArchiveFiles = new Map();
  for (const [name, data] of Object.entries(unzipSync(bytes))) {
    if (!name.endsWith('/')) files.set(name, data);
  }
  return files;
}

/** The unix mode of each entry, from the zip's central directory (fflate's reader does not expose it). */
export function readZipModes(bytes: Uint8Array): Map<string, number> {
  const view = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const modes = new Map<string, number>();
  const end = view.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (end < 0) return modes;
  let offset = view.readUInt32LE(end + 16);
  for (let count = view.readUInt16LE(end + 10); count > 0; count--) {
    const nameLength = view.readUInt16LE(offset + 28);
    const madeBy = view.readUInt8(offset + 5);
    const name = view.toString('utf8', offset + 46, offset + 46 + nameLength);
    // only unix-made entries (host 3) carry st_mode in the high 16 bits of the external attributes
    if (madeBy === 3) modes.set(name, (view.readUInt32LE(offset + 38) >>> 16) & 0o777);
    offset += 46 + nameLength + view.readUInt16LE(offset + 30) + view.readUInt16LE(offset + 32);
  }
  return modes;
}
