import { describe, expect, it } from 'vitest';
import { cidrHosts, parseCidr } from './discovery.js';

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
