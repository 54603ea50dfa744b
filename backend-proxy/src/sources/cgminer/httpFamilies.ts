// One poll of a miner read over HTTP: the family's GETs (http.ts allow-list), then its pure
// mapping to identity and snapshot (axeos.ts, epic.ts, vnish.ts).
import type { ClientOptions, MinerEndpoint } from './client.js';
import { axeosIdentity, axeosSnapshot, AXEOS_POLL } from './axeos.js';
import { epicIdentity, epicSnapshot, EPIC_POLL } from './epic.js';
import { httpRead, type HttpApi } from './http.js';
import { vnishIdentity, vnishSnapshot, VNISH_POLL } from './vnish.js';
import type { Identity, MinerSnapshot } from './model.js';

export async function readHttpMiner(
  api: HttpApi,
  endpoint: MinerEndpoint,
  options: ClientOptions & { sourceId?: string }
): Promise<{ identity: Identity; snapshot: MinerSnapshot }> {
  switch (api) {
    case 'axeos': {
      const info = await httpRead('axeos', endpoint, AXEOS_POLL[0], options);
      return { identity: axeosIdentity(info), snapshot: axeosSnapshot(info) };
    }
    case 'epic': {
      const summary = await httpRead('epic', endpoint, EPIC_POLL[0], options);
      const capabilities = await httpRead('epic', endpoint, EPIC_POLL[1], options);
      return { identity: epicIdentity(summary, capabilities), snapshot: epicSnapshot(summary) };
    }
    case 'vnish': {
      const info = await httpRead('vnish', endpoint, VNISH_POLL[0], options);
      const summary = await httpRead('vnish', endpoint, VNISH_POLL[1], options);
      return { identity: vnishIdentity(info), snapshot: vnishSnapshot(info, summary) };
    }
  }
}
