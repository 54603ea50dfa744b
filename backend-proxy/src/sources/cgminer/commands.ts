// The only CGMiner-API commands nodescope ever sends: read-only ones. Everything else
// (restart, quit, addpool, switchpool, pgaset, ascset, setconfig, zero, btminer's reboot and
// power_off, …) is refused by `assertReadOnly` before a socket is opened, whatever a query,
// a discovery result or a config says. No command takes a parameter: the read-only ones do
// not need one, and parameters are where `asc|0,freq,…` style writes hide.
export const READ_ONLY_COMMANDS = [
  // cgminer API-README, "commands that reply with data" and need no privilege
  'version',
  'config',
  'summary',
  'pools',
  'devs',
  'edevs',
  'devdetails',
  'stats',
  'estats',
  'coin',
  'notify',
  'lcd',
  'asccount',
  'pgacount',
  // Braiins OS (BOSminer) additions to its CGMiner-compatible API
  'temps',
  'fans',
  'tunerstatus',
  'tempctrl',
  // Whatsminer btminer read-only additions
  'get_version',
  'get_psu',
  'status',
] as const;

export type ReadOnlyCommand = (typeof READ_ONLY_COMMANDS)[number];

const ALLOWED = new Set<string>(READ_ONLY_COMMANDS);

export class PrivilegedCommandError extends Error {
  override name = 'PrivilegedCommandError';
}

/** Throws unless every command is on the read-only allow-list (checked before any socket opens). */
export function assertReadOnly(commands: readonly string[]): asserts commands is readonly ReadOnlyCommand[] {
  if (commands.length === 0) throw new PrivilegedCommandError('no command given');
  for (const command of commands) {
    if (typeof command !== 'string' || !ALLOWED.has(command)) {
      // the name is echoed only when it is a plain word, so the error cannot carry a payload
      const shown = typeof command === 'string' && /^[a-z_+|]{1,32}$/.test(command) ? `"${command}"` : 'a non-command string';
      throw new PrivilegedCommandError(`refused ${shown}: only read-only CGMiner commands are sent (${READ_ONLY_COMMANDS.join(', ')})`);
    }
  }
}

export function isReadOnlyCommand(command: string): command is ReadOnlyCommand {
  return ALLOWED.has(command);
}
