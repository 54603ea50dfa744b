// Reads the config file (YAML or JSON), expands ${ENV_VAR} / ${ENV_VAR:-default}, and validates
// it. Each ${...} is swapped for an inert placeholder before parsing and expanded afterwards,
// so `apiKey: ${KEY}` works inside YAML flow maps and a value's own characters (`#`, `:`,
// quotes) can never change the document's structure. Every failure names the file and the
// field, before anything starts.
import { readFile } from 'node:fs/promises';
import { parse as parseYaml } from 'yaml';
import type { z } from 'zod';
import { describePath, explainIssue } from './explain.js';
import { configSchema, type ProxyConfig } from './schema.js';

export class ConfigError extends Error {
  override name = 'ConfigError';
}

const ENV_PATTERN = /\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g;
const PLACEHOLDER = /__nodescope_env_(\d+)__/g;
const WHOLE_PLACEHOLDER = /^__nodescope_env_(\d+)__$/;

interface EnvRef {
  name: string;
  fallback: string | undefined;
}

/** Swaps every ${VAR} for a placeholder that is a plain YAML scalar. */
export function protectEnvRefs(text: string): { text: string; refs: EnvRef[] } {
  const refs: EnvRef[] = [];
  const out = text.replace(ENV_PATTERN, (_match, name: string, fallback: string | undefined) => {
    refs.push({ name, fallback });
    return `__nodescope_env_${refs.length - 1}__`;
  });
  return { text: out, refs };
}

function resolveRef(ref: EnvRef, env: NodeJS.ProcessEnv, file: string, path: PropertyKey[], root: unknown): string {
  const found = env[ref.name];
  if (found !== undefined && found !== '') return found;
  if (ref.fallback !== undefined) return ref.fallback;
  throw new ConfigError(`${file}: ${describePath(path, root)}: environment variable ${ref.name} is not set`);
}

/**
 * Expands placeholders in every string of a parsed document. A value that is one placeholder
 * alone takes the type its text reads as (`port: ${PORT}` is a number), as if written there.
 */
export function expandEnvRefs(
  value: unknown,
  refs: EnvRef[],
  env: NodeJS.ProcessEnv,
  file: string,
  path: PropertyKey[] = [],
  root: unknown = value
): unknown {
  if (typeof value === 'string') {
    const whole = WHOLE_PLACEHOLDER.exec(value);
    if (whole) {
      const text = resolveRef(refs[Number(whole[1])]!, env, file, path, root);
      if (/^-?\d+(\.\d+)?$/.test(text)) return Number(text);
      if (text === 'true' || text === 'false') return text === 'true';
      return text;
    }
    return value.replace(PLACEHOLDER, (_m, index: string) => resolveRef(refs[Number(index)]!, env, file, path, root));
  }
  if (Array.isArray(value)) return value.map((item, index) => expandEnvRefs(item, refs, env, file, [...path, index], root));
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [key, expandEnvRefs(item, refs, env, file, [...path, key], root)])
    );
  }
  return value;
}

export function formatZodError(file: string, error: z.ZodError, input?: unknown): string {
  const lines = error.issues.map((issue) => `  ${explainIssue(issue, input, configSchema)}`);
  return `invalid config ${file}:\n${lines.join('\n')}`;
}

export function parseConfig(text: string, file: string, env: NodeJS.ProcessEnv = process.env): ProxyConfig {
  const protectedText = protectEnvRefs(text);
  let document: unknown;
  try {
    document = parseYaml(protectedText.text, { prettyErrors: true });
  } catch (error) {
    throw new ConfigError(`${file}: not valid YAML/JSON: ${(error as Error).message}`);
  }
  if (document === null || document === undefined) document = {};
  const input = expandEnvRefs(document, protectedText.refs, env, file);
  const result = configSchema.safeParse(input);
  if (!result.success) throw new ConfigError(formatZodError(file, result.error, input));
  return result.data;
}

export async function loadConfig(file: string, env: NodeJS.ProcessEnv = process.env): Promise<ProxyConfig> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new ConfigError(`${file}: cannot read config: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  return parseConfig(text, file, env);
}

const SECRET_KEYS = /^(password|apiKey|token|secret|jwtSecret|cookie)$/i;

/** Every secret value in a config, for the log/response scrubber. */
export function collectSecrets(value: unknown, out: string[] = []): string[] {
  if (Array.isArray(value)) value.forEach((item) => collectSecrets(item, out));
  else if (value && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      if (SECRET_KEYS.test(key) && typeof item === 'string') out.push(item);
      else collectSecrets(item, out);
    }
  }
  return out;
}
