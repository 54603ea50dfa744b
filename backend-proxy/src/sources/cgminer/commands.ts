// The only CGMiner-API commands nodescope ever sends: read-only ones. Everything else
// (restart, quit, addpool, switchpool, pgaset, ascset, setconfig, zero, btminer's reboot and
// power_off, …) is refused by `assertReadOnly` before a socket is opened, whatever a query,
// a discovery result or a config says. No command takes a parameter: the read-only ones do
// not need one, and parameters are where `asc|0,freq,…` style writes hide.
// Each family's own read commands; the union is what may ever be sent.
export const READ_COMMANDS_BY_FAMILY = {
  // cgminer API-README, "commands that reply with data" and need no privilege
  cgminer: ['version', 'config', 'summary', 'pools', 'devs', 'edevs', 'devdetails', 'stats', 'estats', 'coin', 'notify', 'lcd', 'asccount', 'pgacount'],
  // Braiins OS (BOSminer) additions to its CGMiner-compatible API
  braiins: ['temps', 'fans', 'tunerstatus', 'tempctrl'],
  // Whatsminer btminer read-only additions
  whatsminer: ['get_version', 'get_psu', 'status'],
  // LuxOS (LUXminer) read commands beside cgminer's: the ones pyasic and asic-rs read
  // (pyasic@0.79.0:pyasic/miners/backends/luxminer.py:28-76; 256foundation/asic-rs@fdcd101:
  // asic-rs-firmwares/luxminer/src/backends/v1/mod.rs:182-274) and the other parameterless
  // reads of pyasic's LUXMinerRPCAPI (atm :139, events, groups :447, limits :563, power :610,
  // profiles :621, temps :797). Never its writes: curtail, sleep, wakeup, profileset, atmset,
  // fanset, ledset, logon, resetminer, rebootdevice, updaterun, voltageset, frequencyset …
  luxos: ['power', 'profiles', 'groups', 'atm', 'events', 'limits', 'temps', 'fans', 'tempctrl'],
} as const;

export const READ_ONLY_COMMANDS = [
  ...new Set([
    ...READ_COMMANDS_BY_FAMILY.cgminer,
    ...READ_COMMANDS_BY_FAMILY.braiins,
    ...READ_COMMANDS_BY_FAMILY.whatsminer,
    ...READ_COMMANDS_BY_FAMILY.luxos,
  ]),
] as Array<(typeof READ_COMMANDS_BY_FAMILY)[keyof typeof READ_COMMANDS_BY_FAMILY][number]>;

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
