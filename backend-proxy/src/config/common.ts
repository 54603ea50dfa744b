import { z } from 'zod';

/** Fields every source entry has. */
export const sourceBase = z.strictObject({
  id: z
    .string()
    .regex(/^[a-z0-9][a-z0-9_-]{0,62}$/i, 'letters, digits, - and _ only (it becomes a metric label and a URL parameter)'),
  name: z.string().min(1).max(200).optional(),
});

/** A secret read from config: at least 8 characters so it can be scrubbed from any output. */
export const secret = (what: string) =>
  z.string().min(8, `${what} must be at least 8 characters (use \${ENV_VAR} to keep it out of the file)`);
