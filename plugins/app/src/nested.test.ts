// The validator's includesnested rule, checked at the source: every nested plugin has an
// `includes` entry whose path is `<path>/plugin.json` and whose type is the nested plugin's type.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { NESTED_PLUGINS } from './nested';

const pluginsDir = path.resolve(__dirname, '../..');
const appJson = JSON.parse(readFileSync(path.join(__dirname, 'plugin.json'), 'utf8')) as {
  type: string;
  includes: Array<{ type: string; path?: string }>;
};

describe('nodescope-suite-app nesting', () => {
  it.each(NESTED_PLUGINS)('$dir has an include of its own type at $path/plugin.json', (nested) => {
    const nestedJson = JSON.parse(readFileSync(path.join(pluginsDir, nested.dir, 'src/plugin.json'), 'utf8')) as { type: string; id: string };
    expect(nestedJson.type).toBe(nested.type);
    expect(appJson.includes).toContainEqual(expect.objectContaining({ type: nested.type, path: `${nested.path}/plugin.json` }));
    // create-plugin's build puts the root id for %PLUGIN_ID% everywhere; ours uses each plugin's own id,
    // but a nested plugin.json without it builds right either way
    expect(readFileSync(path.join(pluginsDir, nested.dir, 'src/plugin.json'), 'utf8')).not.toContain('%PLUGIN_ID%');
  });

  it('includes no datasource or panel that is not built into the app', () => {
    const nestedPaths = NESTED_PLUGINS.map((n) => `${n.path}/plugin.json`);
    const pluginIncludes = appJson.includes.filter((i) => i.type === 'datasource' || i.type === 'panel');
    expect(pluginIncludes.map((i) => i.path).sort()).toEqual(nestedPaths.sort());
  });
});
