// The generated files on disk are exactly what the catalog produces today: an edit made to a
// generated file instead of the catalog (or a forgotten regeneration) fails here.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generatedFiles } from '../build/files.ts';
import { PROVISIONING } from './paths.ts';

describe('generated provisioning files', () => {
  const files = generatedFiles();
  it.each(Object.keys(files))('%s is up to date (regenerate: npx node provisioning/build/write.ts)', (path) => {
    expect(readFileSync(join(PROVISIONING, path), 'utf8')).toBe(files[path]);
  });
});
