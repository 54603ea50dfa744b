import { describe, expect, it } from 'vitest';
import { CgminerStatusError, type ReplyDocument } from './client.js';
import type { ReadOnlyCommand } from './commands.js';
import { cidrHosts, identifyMiner, parseCidr } from './discovery.js';

describe('parseCidr / cidrHosts', () => {
  it.each([
    ['192.168.1.0/24', 254, '192.168.1.1', '192.168.1.254'],
    ['192.168.1.77/24', 254, '192.168.1.1', '192.168.1.254'], // host bits are masked off
    ['10.0.0.0/30', 2, '10.0.0.1', '10.0.0.2'],
    ['10.0.0.8/31', 2, '10.0.0.8', '10.0.0.9'],
    ['10.0.0.5/32', 1, '10.0.0.5', '10.0.0.5'],
    ['127.77.0.0/28', 14, '127.77.0.1', '127.77.0.14'],
  ])('%s -> %i hosts from %s to %s', (text, count, first, last) => {
    const hosts = cidrHosts(parseCidr(text)!);
    expect(hosts).toHaveLength(count);
    expect(hosts[0]).toBe(first);
    expect(hosts.at(-1)).toBe(last);
  });

  it('a /16 is the widest range (65,534 hosts)', () => {
    expect(cidrHosts(parseCidr('10.1.0.0/16')!)).toHaveLength(65_534);
    expect(parseCidr('10.0.0.0/15')).toBeNull();
  });

  it.each(['10.0.0.0', '256.0.0.0/24', '10.0.0.0/33', 'example.com/24', '10.0.0.0/24; rm -rf /', ''])('refuses %j', (text) => {
    expect(parseCidr(text)).toBeNull();
  });
});

describe('identifyMiner', () => {
  // btminer: `version` refused ({"STATUS":"E","Code":14,"Msg":"invalid cmd","Description":"whatsminer v1.1"},
  // test/fixtures/miners/README.md); devdetails as asic-rs@fdcd101:src/factory.rs:886; get_version as
  // asic-rs@fdcd101:asic-rs-firmwares/whatsminer/src/test/json/v1/get_version.json
  const DETAILS = { DEVDETAILS: [{ DEVDETAILS: 0, Name: 'SM', ID: 0, Driver: 'bitmicro', Kernel: '', Model: 'M30S+_VE40' }] };
  const GET_VERSION = { STATUS: 'S', When: 1761064196, Code: 131, Msg: { api_ver: 'whatsminer v1.4.0', fw_ver: '20210322.22.REL' }, Description: 'whatsminer v1.4.0' };
  const refusal = (command: string) => new CgminerStatusError(`${command}: miner replied E code 14: invalid cmd`, 14, 'E', 'whatsminer v1.1');

  function btminer(joined: 'refused' | 'per-member') {
    const sent: string[] = [];
    const send = async (commands: ReadOnlyCommand[]): Promise<Partial<Record<ReadOnlyCommand, ReplyDocument>>> => {
      sent.push(commands.join('+'));
      if (commands.length > 1) {
        if (joined === 'refused') throw refusal(commands.join('+'));
        return { devdetails: DETAILS }; // version left out as refused
      }
      if (commands[0] === 'version') throw refusal('version');
      if (commands[0] === 'devdetails') return { devdetails: DETAILS };
      if (commands[0] === 'get_version') return { get_version: GET_VERSION as ReplyDocument };
      throw refusal(commands[0]!);
    };
    return { send, sent };
  }

  it('a btminer that refuses the joined request is identified one command at a time', async () => {
    const { send, sent } = btminer('refused');
    expect(await identifyMiner(send)).toEqual({ flavour: 'whatsminer', model: 'M30S+_VE40', firmware: '20210322.22.REL' });
    expect(sent).toEqual(['version+devdetails', 'version', 'devdetails', 'get_version']);
  });

  it('a btminer answering devdetails inside the joined request needs no second round', async () => {
    const { send, sent } = btminer('per-member');
    expect(await identifyMiner(send)).toEqual({ flavour: 'whatsminer', model: 'M30S+_VE40', firmware: '20210322.22.REL' });
    expect(sent).toEqual(['version+devdetails', 'get_version']);
  });

  it('a btminer whose fw_ver is dated 2024-11-01 or later is read over API v3', async () => {
    // asic-rs@fdcd101:asic-rs-firmwares/whatsminer/src/firmware.rs:60-68 switches to v3 when the
    // get_version fw_ver date is >= 20241101; the v3 capture's firmware is 20251209.16.Rel2
    // (asic-rs v3/get_device_info.json msg.system.fwversion)
    const sent: string[] = [];
    const send = async (commands: ReadOnlyCommand[]): Promise<Partial<Record<ReadOnlyCommand, ReplyDocument>>> => {
      sent.push(commands.join('+'));
      if (commands.length > 1) return { devdetails: { DEVDETAILS: [{ Driver: 'bitmicro', Model: 'M60S_VK40' }] } };
      if (commands[0] === 'get_version') return { get_version: { ...GET_VERSION, Msg: { api_ver: 'whatsminer v1.4.0', fw_ver: '20251209.16.Rel2' } } as ReplyDocument };
      throw refusal(commands[0]!);
    };
    expect(await identifyMiner(send)).toEqual({ flavour: 'whatsminer-v3', model: 'M60S_VK40', firmware: '20251209.16.Rel2' });
    expect(sent).toEqual(['version+devdetails', 'get_version']);
  });

  it('a device that refuses both is not identified', async () => {
    await expect(identifyMiner(async (commands) => Promise.reject(refusal(commands.join('+'))))).rejects.toThrow(CgminerStatusError);
  });
});
