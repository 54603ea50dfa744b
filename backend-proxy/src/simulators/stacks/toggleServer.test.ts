import { afterEach, describe, expect, it } from 'vitest';
import { LokiReceiver } from './lokiReceiver.js';
import { sendText, ToggleServer } from './toggleServer.js';

const servers: Array<{ close(): Promise<void> }> = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

describe('ToggleServer request bodies', () => {
  it('hands the handler the whole body up to the bound, and answers 413 without calling it beyond', async () => {
    const seen: string[] = [];
    const server = new ToggleServer(
      (_req, res, body) => {
        seen.push(body);
        sendText(res, 200, `got ${body.length}`);
      },
      '127.0.0.1',
      1_000
    );
    servers.push(server);
    await server.listen();
    const ok = await fetch(server.url('/'), { method: 'POST', body: 'x'.repeat(1_000) });
    expect([ok.status, await ok.text()]).toEqual([200, 'got 1000']);
    const big = await fetch(server.url('/'), { method: 'POST', body: 'x'.repeat(1_001) });
    expect([big.status, await big.text()]).toEqual([413, 'request body too large']);
    expect(seen.map((b) => b.length)).toEqual([1_000]);
  });

  it('answers 500 when the handler throws, and keeps serving', async () => {
    const server = new ToggleServer((_req, res, body) => {
      if (body === 'boom') throw new Error('handler failed');
      sendText(res, 200, 'ok');
    });
    servers.push(server);
    await server.listen();
    const failed = await fetch(server.url('/'), { method: 'POST', body: 'boom' });
    expect([failed.status, await failed.text()]).toEqual([500, 'Error: handler failed']);
    expect((await fetch(server.url('/'))).status).toBe(200);
  });
});

describe('LokiReceiver', () => {
  it('records pushed lines, refuses a body that is not JSON with 400 as Loki does, and restarts on its port', async () => {
    const loki = new LokiReceiver();
    servers.push({ close: () => loki.stop() });
    await loki.start();
    const push = (body: string) =>
      fetch(`${loki.url}/loki/api/v1/push`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    expect(
      (
        await push(
          JSON.stringify({
            streams: [
              {
                stream: { job: 'a' },
                values: [
                  ['1', 'one'],
                  ['2', 'two'],
                ],
              },
            ],
          })
        )
      ).status
    ).toBe(204);
    // grafana/loki@01b5e3466b4b075c90a8c92aad3b790efcafac6b:pkg/distributor/http.go:49-61: a push
    // ParseRequest refuses is answered http.StatusBadRequest
    expect((await push('{not json')).status).toBe(400);
    expect(loki.lines).toEqual(['one', 'two']);
    const port = loki.port;
    await loki.stop();
    await expect(push('{}')).rejects.toThrow();
    await loki.start();
    expect(loki.port).toBe(port);
  });
});
