// Ports for `npm run demo`. A default port that is taken (3000 is Grafana's, 8787 may be a real
// proxy) is replaced by a free one the system picks, and the demo prints where things really
// are; a port the user asked for by variable is never replaced: the demo says so and stops.
import net from 'node:net';

export interface PortChoice {
  port: number;
  /** set when the preferred port was taken and another was picked */
  note?: string;
}

export class PortTakenError extends Error {}

function tryListen(port: number, host: string): Promise<number | null> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', (error: NodeJS.ErrnoException) => (error.code === 'EADDRINUSE' || error.code === 'EACCES' ? resolve(null) : reject(error)));
    server.listen({ port, host, exclusive: true }, () => {
      const chosen = (server.address() as net.AddressInfo).port;
      server.close(() => resolve(chosen));
    });
  });
}

/**
 * `variable` names the environment variable that sets this port; `explicit` says the user set it.
 * Throws PortTakenError (a one-line message) when an explicit port is taken.
 */
export async function choosePort(preferred: number, options: { variable: string; explicit: boolean; what: string; host?: string }): Promise<PortChoice> {
  const host = options.host ?? '127.0.0.1';
  if (!Number.isInteger(preferred) || preferred < 0 || preferred > 65535) {
    throw new PortTakenError(`${options.variable}=${String(preferred)} is not a port number (0-65535)`);
  }
  if ((await tryListen(preferred, host)) !== null) return { port: preferred };
  if (options.explicit) throw new PortTakenError(`${options.what}: port ${preferred} (${options.variable}) is already in use on ${host}; set ${options.variable} to a free port, or unset it to let the demo pick one`);
  const other = await tryListen(0, host);
  if (other === null) throw new PortTakenError(`${options.what}: no free port on ${host}`);
  return { port: other, note: `${options.what}: port ${preferred} is in use, using ${other} instead (set ${options.variable} to choose)` };
}

/** The port from an environment variable, or the default (explicit = the variable was set). */
export function portSetting(env: Record<string, string | undefined>, variable: string, fallback: number): { port: number; explicit: boolean } {
  const raw = env[variable]?.trim();
  if (!raw) return { port: fallback, explicit: false };
  if (!/^\d{1,5}$/.test(raw) || Number(raw) > 65535) throw new PortTakenError(`${variable}=${raw} is not a port number (0-65535)`);
  return { port: Number(raw), explicit: true };
}
