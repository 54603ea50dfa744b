// A Bitaxe on AxeOS (ESP-Miner): HTTP, GET / serves the web UI (whose <title> is "AxeOS":
// bitaxeorg/ESP-Miner@5c27713:main/http_server/axe-os/src/index.html:6, which pyasic looks for:
// pyasic@0.79.0:pyasic/miners/factory.py:930-931) and GET /api/system/info the telemetry. The
// reply carries every field of asic-rs's capture (256foundation/asic-rs@fdcd101:
// asic-rs-firmwares/bitaxe/src/test/json/v2_0_0/system_info.json, kept in
// backend-proxy/test/fixtures/miners/axeos-bitaxe-supra) plus the newer ones ESP-Miner writes
// (system_api_json.c:58 expectedHashrate, :104 miningPaused, :112 power_fault). Anything else
// (the POST/PATCH writes included) answers 404 and is counted.
import type { SimMinerState } from './flavours.js';
import { listenHttpSim, portOf, type ListenHttpMiner } from './httpSim.js';

export function axeosInfo(state: SimMinerState, now: number): Record<string, unknown> {
  const paused = state.faults.has('sleep');
  const wobble = 1 + 0.01 * Math.sin(state.polls);
  const gh = paused ? 0 : state.terahash * 1000 * wobble * (state.faults.has('hashdrop') ? 0.3 : 1);
  const hijack = state.faults.has('hijack');
  return {
    ASICModel: state.model,
    asicCount: 1,
    autofanspeed: 1,
    bestDiff: '483k',
    bestSessionDiff: '0',
    boardVersion: '401',
    coreVoltage: 1166,
    coreVoltageActual: 1172,
    current: 521.25,
    expectedHashrate: state.terahash * 1000,
    fallbackStratumPort: 443,
    fallbackStratumURL: 'btc.pool-b.example',
    fallbackStratumUser: `farm.${state.name}`,
    fanrpm: state.faults.has('fan0') ? 0 : 3517,
    fanspeed: 35,
    flipscreen: 1,
    freeHeap: 8443612,
    frequency: 490,
    hashRate: Number(gh.toFixed(2)),
    hostname: 'bitaxe',
    idfVersion: 'v5.4',
    invertfanpolarity: 1,
    invertscreen: 0,
    isUsingFallbackStratum: state.faults.has('poolSwitch') ? 1 : 0,
    macAddr: 'AA:BB:CC:DD:EE:FF',
    miningPaused: paused,
    overheat_mode: 0,
    power: paused ? 3.1 : state.watts,
    ...(state.faults.has('errorCode') ? { power_fault: 'Power Fault Detected.' } : {}),
    runningPartition: 'factory',
    sharesAccepted: state.accepted,
    sharesRejected: state.rejected,
    smallCoreCount: 1276,
    ssid: 'Test',
    stratumDiff: 0,
    stratumPort: 3333,
    stratumURL: hijack ? 'attacker.pool.example' : 'btc.pool-a.example',
    stratumUser: hijack ? 'attacker.rig1' : `farm.${state.name}`,
    temp: 59.875 + (state.faults.has('hot') ? 32 : 0),
    uptimeSeconds: Math.max(1, Math.floor((now - state.startedAt) / 1000)),
    version: 'v2.4.5-3-gb5d1e36-dirty',
    voltage: 5175,
    vrTemp: 58,
    wifiStatus: 'Connected!',
  };
}

const PAGE =
  '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>AxeOS</title></head><body><app-root></app-root></body></html>';

/** Serves one simulated AxeOS miner on host:port. */
export const listenAxeos: ListenHttpMiner = async (host, port, state, received, hooks) => {
  const server = await listenHttpSim(host, port, state, received, hooks, ({ key, res, json }) => {
    if (key === 'GET /api/system/info') {
      hooks.onPoll();
      json(axeosInfo(state, hooks.now()));
    } else if (key === 'GET /' || key === 'GET /index.html')
      res.writeHead(200, { 'content-type': 'text/html' }).end(PAGE);
    else res.writeHead(404, { 'content-type': 'text/plain' }).end('Not Found');
  });
  return { server, port: portOf(server) };
};
