import { describe, expect, it } from 'vitest';
import { freqtradeConfigSchema } from './config.js';

describe('freqtradeConfigSchema', () => {
  it('fills defaults for one bot', () => {
    const config = freqtradeConfigSchema.parse({
      id: 'bot-1',
      kind: 'freqtrade',
      url: 'http://127.0.0.1:8080',
      username: 'freqtrader',
      password: 'long-enough-secret',
    });
    expect(config).toMatchObject({ auth: 'jwt', pollSeconds: 15, tradesPageSize: 500, dailyDays: 30, heartbeatStaleSeconds: 180 });
  });

  it.each([
    [{ password: 'short' }, 'password'],
    [{ url: 'ftp://127.0.0.1' }, 'url'],
    [{ url: 'http://freqtrader:hunter22@127.0.0.1:8080' }, 'url'],
    [{ tradesPageSize: 1000 }, 'tradesPageSize'],
    [{ auth: 'apikey' }, 'auth'],
    [{ forceexit: true }, ''],
    [{ auth: 'basic', websocket: true }, 'websocket'],
  ])('rejects %j naming the field', (patch, path) => {
    const result = freqtradeConfigSchema.safeParse({
      id: 'bot-1',
      kind: 'freqtrade',
      url: 'http://127.0.0.1:8080',
      username: 'u',
      password: 'long-enough-secret',
      ...patch,
    });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path.join('.')).toBe(path);
  });
});
