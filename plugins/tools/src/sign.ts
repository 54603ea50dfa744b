// `npm run sign`: signs every built plugin dist with @grafana/sign-plugin, which sends the file
// list (sha256 per file) to grafana.com and writes the signed MANIFEST.txt into dist/. Needs a
// grafana.com access policy token with the plugins:write scope in GRAFANA_ACCESS_POLICY_TOKEN.
// Sign after `npm run build` and before `npm run package` (package never rebuilds a dist that
// exists, so the signature survives). The app's signature covers its nested plugins.
//   node plugins/tools/src/sign.ts [--only <id>] [--rootUrls https://grafana.example.com] [--signatureType private]
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { checkDist } from './package.ts';
import { catalogPlugins, REPO_ROOT } from './plugins.ts';

const signPluginBin = path.join(
  path.dirname(createRequire(import.meta.url).resolve('@grafana/sign-plugin/package.json')),
  'dist/bin/run.js'
);

/** Runs @grafana/sign-plugin on one dist; GRAFANA_COM_URL in env points it at another grafana.com API. */
export function signDist(distDir: string, args: string[] = [], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const child = spawn(process.execPath, [signPluginBin, '--distDir', distDir, ...args], {
    cwd: path.dirname(distDir),
    stdio: 'inherit',
    env,
  });
  return new Promise((resolve) => {
    child.on('error', () => resolve(1));
    child.on('close', (code) => resolve(code ?? 1));
  });
}

async function main(argv: string[]): Promise<number> {
  const only: string[] = [];
  const passThrough: string[] = [];
  for (let index = 0; index < argv.length; index++) {
    const arg = argv[index]!;
    if (arg === '--only') only.push(argv[++index] ?? '');
    else if (arg === '--rootUrls' || arg === '--signatureType') passThrough.push(arg, argv[++index] ?? '');
    else {
      process.stderr.write(
        `unknown argument ${arg}; usage: sign.ts [--only plugin-id] [--rootUrls url,url] [--signatureType private|community|commercial]\n`
      );
      return 2;
    }
  }
  if (!process.env.GRAFANA_ACCESS_POLICY_TOKEN) {
    process.stderr.write(
      'GRAFANA_ACCESS_POLICY_TOKEN is not set: create an access policy token with the plugins:write scope on grafana.com (My Account > Access Policies)\n'
    );
    return 1;
  }
  const plugins = catalogPlugins().filter((plugin) => only.length === 0 || only.includes(plugin.id));
  for (const plugin of plugins) {
    checkDist(plugin);
    process.stdout.write(`signing ${plugin.id} ${plugin.version} (${path.relative(REPO_ROOT, plugin.distDir)})\n`);
    const status = await signDist(plugin.distDir, passThrough);
    if (status !== 0) return status;
  }
  return 0;
}

if (process.argv[1] && path.resolve(process.argv[1]) === import.meta.filename)
  process.exit(await main(process.argv.slice(2)));
