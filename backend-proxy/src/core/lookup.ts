// Lookups by a name the client chose. A plain object answers `constructor`, `toString` or
// `__proto__` with Object.prototype's members, so every such lookup reads own properties only.

/** The record's own entry for `name`, or undefined (never an inherited member). */
export function own<T>(record: Readonly<Partial<Record<string, T>>> | undefined, name: string): T | undefined {
  return record !== undefined && Object.hasOwn(record, name) ? record[name] : undefined;
}

/** The record's own keys, for "it serves: …" messages. */
export function ownNames(record: Readonly<Partial<Record<string, unknown>>> | undefined): string[] {
  return record === undefined ? [] : Object.keys(record);
}
