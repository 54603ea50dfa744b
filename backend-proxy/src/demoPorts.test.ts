import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { choosePort, portSetting, PortTakenError } from './demoPorts.js';

const servers: net.Server[] = [];
async function occupy(): Promise<number> {
  const server = net.createServer();
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as net.AddressInfo).port;
}
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
});

describe('demo ports', () => {
  it('keeps a free preferred port', async () => {
    const port = await occupy();
    await new Promise((resolve) => servers.pop()!.close(resolve));
    expect(await choosePort(port, { variable: 'X_PORT', explicit: false, what: 'harness' })).toEqual({ port });
  });

  it('a taken default port is replaced by a free one, and the note says which', async () => {
    const taken = await occupy();
    const choice = await choosePort(taken, { variable: 'NODESCOPE_HARNESS_PORT', explicit: false, what: 'harness' });
    expect(choice.port).not.toBe(taken);
    expect(choice.note).toBe(`harness: port ${taken} is in use, using ${choice.port} instead (set NODESCOPE_HARNESS_PORT to choose)`);
    // the picked port is really free
    const probe = net.createServer();
    await new Promise<void>((resolve, reject) => probe.once('error', reject).listen(choice.port, '127.0.0.1', resolve));
    await new Promise((resolve) => probe.close(resolve));
  });

  it('a taken port the user asked for stops the demo with one line naming the variable', async () => {
    const taken = await occupy();
    const attempt = choosePort(taken, { variable: 'NODESCOPE_HARNESS_PORT', explicit: true, what: 'harness' });
    await expect(attempt).rejects.toBeInstanceOf(PortTakenError);
    await expect(attempt).rejects.toThrow(`harness: port ${taken} (NODESCOPE_HARNESS_PORT) is already in use on 127.0.0.1; set NODESCOPE_HARNESS_PORT to a free port, or unset it to let the demo pick one`);
  });

  it('reads the variables', () => {
    expect(portSetting({}, 'P', 3000)).toEqual({ port: 3000, explicit: false });
    expect(portSetting({ P: ' 3300 ' }, 'P', 3000)).toEqual({ port: 3300, explicit: true });
    expect(portSetting({ P: '' }, 'P', 3000)).toEqual({ port: 3000, explicit: false });
  });

  it('refuses a value that is not a port, echoing it', () => {
    expect(() => portSetting({ P: 'abc' }, 'P', 3000)).toThrow('P=abc is not a port number (0-65535)');
    expect(() => portSetting({ P: '70000' }, 'P', 3000)).toThrow('P=70000 is not a port number (0-65535)');
  });
});
