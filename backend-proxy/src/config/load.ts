// Reads the config file (YAML or JSON), expands ${ENV_VAR} / ${ENV_VAR:-default} in string
// values after parsing (so a value's characters can never break the YAML), and validates it.
// Every failure names the file and the field, as seed 000's pydantic start-up check did.
import { readFile } from 'node:fs/promises';
import { parse as parseYaml } from 'yaml';
import type { z } from 'zod';
import { configSchema, type ProxyConfig } from './schema.js';

export class ConfigError extends Error {
  override name = 'ConfigError';
}

const ENV_PATTERN = /\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g;

export function formatPath(path: ReadonlyArray<PropertyKey>): string {
  let out = '';
  for (const part of path) out += typeof part === 'number' ? `[${part}]` : out ? `.${String(part)}` : String(part);
  return out || '(root)';
}

/** Replaces ${VAR} in every string of a parsed document; an unset variable without default is an error. */
export function interpolateEnv(value: unknown, env: NodeJS.ProcessEnv, file: string, path: PropertyKey[] = []): unknown {
  if (typeof value === 'string') {
    return value.replace(ENV_PATTERN, (_match, name: string, fallback: string | undefined) => {
      const found = env[name];
      if (found !== undefined && found !== '') return found;
      if (fallback !== undefined) return fallback;
      throw new ConfigError(`${file}: ${formatPath(path)}: environment variable ${name} is not set`);
    });
  }
  if (Array.isArray(value)) return value.map((item, index) => interpolateEnv(item, env, file, [...path, index]));
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [key, interpolateEnv(item, env, file, [...path, key])])
    );
  }
  return value;
}

export function formatZodError(file: string, error: z.ZodError): string {
  const lines = error.issues.map((issue) => `  ${formatPath(issue.path)}: ${issue.message}`);
  return `invalid config ${file}:\n${lines.join('\n')}`;
}

export function parseConfig(text: string, file: string, env: NodeJS.ProcessEnv = process.env): ProxyConfig {
  let document: unknown;
  try {
    document = parseYaml(text, { prettyErrors: true });
  } catch (error) {
    throw new ConfigError(`${file}: not valid YAML/JSON: ${(error as Error).message}`);
  }
  if (document === null || document === undefined) document = {};
  const result = configSchema.safeParse(interpolateEnv(document, env, file));
  if (!result.success) throw new ConfigError(formatZodError(file, result.error));
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
