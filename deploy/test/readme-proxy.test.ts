// The README's "Run the proxy against real nodes", done as a user would: every shell command of
// that section is run as written (only the config path is swapped for a file in a temp folder),
// the section's example YAML is what `--check` validates, and no documented command may fall back
// to the npm registry (`npx <name>` fetches an unknown package when no local bin has that name).
// CI runs this on a fresh clone right after `npm ci` and `npm run build`, which are the section's
// first command, so the bin link and dist/ it relies on are the ones a new user gets.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));
const readme = readFileSync(join(root, 'README.md'), 'utf8');
const version = (JSON.parse(readFileSync(join(root, 'backend-proxy/package.json'), 'utf8')) as { version: string }).version;
const README_CONFIG = '/etc/nodescope/proxy.yaml';

function section(text: string, heading: string): string {
  const start = text.indexOf(`\n## ${heading}\n`);
  if (start < 0) throw new Error(`README has no section "${heading}"`);
  const end = text.indexOf('\n## ', start + 1);
  return text.slice(start, end < 0 ? undefined : end);
}

function blocks(text: string, language: string): string[] {
  return [...text.matchAll(new RegExp('```' + language + '\\n([\\s\\S]*?)```', 'g'))].map((m) => m[1]!);
}

/** What a reader would paste into a shell: fenced blocks and inline code spans, not the prose. */
function codeOf(markdown: string): string {
  const fenced = [...markdown.matchAll(/```[^\n]*\n([\s\S]*?)```/g)].map((m) => m[1]!);
  const inline = [...markdown.replace(/```[\s\S]*?```/g, '').matchAll(/`([^`\n]+)`/g)].map((m) => m[1]!);
  return [...fenced, ...inline].join('\n');
}

/** A shell line without its trailing `# comment`. */
const command = (line: string) => line.replace(/\s+#.*$/, '').trim();

const run = section(readme, 'Run the proxy against real nodes');
const commands = blocks(run, 'sh').flatMap((block) => block.split('\n')).map(command).filter(Boolean);
const exampleYaml = blocks(run, 'yaml')[0]!;

const dir = mkdtempSync(join(tmpdir(), 'nodescope-readme-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const env = { PATH: process.env.PATH ?? '', HOME: dir, NODESCOPE_API_KEY: 'readme-test-key-0001', FT_PASS_BOT1: 'readme-ft-password' };

function shell(line: string, config: string) {
  // stdin not a socket: bash would otherwise take itself for a remote shell and read ~/.bashrc
  return spawnSync('bash', ['-c', line.replaceAll(README_CONFIG, config)], { cwd: root, env, encoding: 'utf8', timeout: 30_000, stdio: ['ignore', 'pipe', 'pipe'] });
}

describe('README: run the proxy against real nodes', () => {
  it('documents install, build, --version, --check and start, in that order', () => {
    expect(commands[0]).toBe('npm ci && npm run build');
    expect(commands.slice(1).every((line) => line.startsWith('node backend-proxy/bin/nodescope-proxy.js '))).toBe(true);
    expect(commands.some((line) => line.endsWith('--version'))).toBe(true);
    expect(commands.some((line) => line.endsWith('--check'))).toBe(true);
    // the first command is what CI does on its fresh clone before this test runs
    expect(readFileSync(join(root, '.ci/run'), 'utf8')).toMatch(/^npm ci\b/m);
    expect(readFileSync(join(root, 'scripts/test.sh'), 'utf8')).toMatch(/^npm run build\b/m);
  });

  it('the launcher is committed with its run bit and linked by npm ci', () => {
    const staged = spawnSync('git', ['ls-files', '-s', 'backend-proxy/bin/nodescope-proxy.js'], { cwd: root, encoding: 'utf8' });
    expect(staged.stdout).toMatch(/^100755 /);
    const manifest = JSON.parse(readFileSync(join(root, 'backend-proxy/package.json'), 'utf8')) as { bin: Record<string, string> };
    expect(manifest.bin).toEqual({ 'nodescope-proxy': 'bin/nodescope-proxy.js' });
    expect(realpathSync(join(root, 'node_modules/.bin/nodescope-proxy'))).toBe(realpathSync(join(root, 'backend-proxy/bin/nodescope-proxy.js')));
  });

  it('no documented command can reach the npm registry through npx', () => {
    const bins = new Set(readdirSync(join(root, 'node_modules/.bin')));
    const docs = spawnSync('git', ['ls-files', '*.md'], { cwd: root, encoding: 'utf8' }).stdout.split('\n').filter(Boolean);
    expect(docs.length).toBeGreaterThan(10);
    for (const doc of docs.filter((d) => existsSync(join(root, d)))) {
      for (const [, name] of codeOf(readFileSync(join(root, doc), 'utf8')).matchAll(/\bnpx\s+(?:-[^\s]+\s+)*([@\w][\w@/.-]*)/g)) {
        expect(name, `${doc}: npx ${name}`).not.toBe('nodescope-proxy');
        expect(bins.has(name!.split('@')[0]!) || bins.has(name!), `${doc}: "npx ${name}" has no local bin, so npx would download it`).toBe(true);
      }
    }
    expect(run).not.toMatch(/```sh[^`]*\bnpx\b/);
  });

  it('every --version and --check line, as written (the check validates the section\'s example config)', () => {
    const config = join(dir, 'proxy.yaml');
    writeFileSync(config, exampleYaml);
    for (const line of commands.filter((l) => l.endsWith('--version') || l.endsWith('--check'))) {
      const out = shell(line, config);
      expect(out.stderr, line).toBe('');
      expect(out.status, line).toBe(0);
      if (line.endsWith('--version')) expect(out.stdout).toContain(`nodescope-proxy ${version}`);
      else {
        expect(out.stdout).toContain('config OK');
        for (const id of ['btc-main', 'stx-1', 'geth-1', 'farm-a', 'profit', 'bot-1']) expect(out.stdout).toContain(`  ${id} (`);
      }
    }
  });

  it('the start line, as written: listens once, answers /healthz, stops cleanly on SIGTERM', async () => {
    // the example config would poll the example's miners and price APIs: start on a loopback-only one
    const config = join(dir, 'start.yaml');
    writeFileSync(config, 'server: { host: 127.0.0.1, port: 0, apiKey: ${NODESCOPE_API_KEY} }\nsources: []\n');
    const line = commands.find((l) => l.includes(`--config ${README_CONFIG}`) && !l.endsWith('--check'))!;
    expect(line).toBe(`node backend-proxy/bin/nodescope-proxy.js --config ${README_CONFIG}`);
    const child = spawn('bash', ['-c', `exec ${line.replaceAll(README_CONFIG, config)}`], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (out += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no listening line: ${out}`)), 20_000);
      const poll = setInterval(() => {
        const found = /listening on (http:\/\/[^"\s]+)/.exec(out);
        if (found) {
          clearInterval(poll);
          clearTimeout(timer);
          resolve(found[1]!);
        }
      }, 50);
    });
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    expect((await fetch(`${url}/api/health`)).status).toBe(401);
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(out.match(/listening/g)).toHaveLength(1);
  });

  it('--pretty prints lines for a person (pino-pretty), with the credentials still scrubbed', async () => {
    const config = join(dir, 'pretty.yaml');
    writeFileSync(config, 'server: { host: 127.0.0.1, port: 0, apiKey: ${NODESCOPE_API_KEY} }\nsources: []\n');
    const child = spawn(process.execPath, ['backend-proxy/bin/nodescope-proxy.js', '--config', config, '--pretty'], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (out += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    for (let i = 0; i < 200 && !/listening on http/.test(out); i++) await new Promise((r) => setTimeout(r, 50));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    const line = out.split('\n').find((l) => l.includes('listening on'))!;
    expect(line).toMatch(/^\[\d\d:\d\d:\d\d\.\d{3}\] INFO: listening on http:\/\/127\.0\.0\.1:\d+$/);
    expect(out).not.toContain('{"level"');
    expect(out).not.toContain(env.NODESCOPE_API_KEY);
  });

  it('at a terminal, the JSON lines come with a one-line pointer to --pretty; in a pipe they do not', () => {
    const config = join(dir, 'tty.yaml');
    writeFileSync(config, 'server: { host: 127.0.0.1, port: 0 }\nsources: []\n');
    const start = `timeout -s TERM 3 node backend-proxy/bin/nodescope-proxy.js --config ${config}`;
    // util-linux's script(1) gives the proxy a pseudo-terminal as stdout
    const tty = spawnSync('script', ['-qec', start, '/dev/null'], { cwd: root, env, encoding: 'utf8', timeout: 20_000, stdio: ['ignore', 'pipe', 'pipe'] });
    expect(tty.error, 'script (Debian package bsdutils)').toBeUndefined();
    expect(tty.stdout).toContain('nodescope-proxy: logs are JSON lines; add --pretty to read them by eye');
    expect(tty.stdout).toContain('"msg":"listening on http://127.0.0.1:');
    const piped = spawnSync('bash', ['-c', start], { cwd: root, env, encoding: 'utf8', timeout: 20_000, stdio: ['ignore', 'pipe', 'pipe'] });
    expect(piped.stdout).toContain('"msg":"listening on http://127.0.0.1:');
    expect(piped.stdout + piped.stderr).not.toContain('--pretty');
  });
});
