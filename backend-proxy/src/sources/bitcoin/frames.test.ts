import {
  BLOCK_FIELDS,
  CHAIN_FIELDS,
  frameColumn,
  frameLength,
  PEER_FIELDS,
  type DataFrameJSON,
} from '@nodescope/shared';
import { describe, expect, it } from 'vitest';
import {
  chainInfoFrames,
  feeEstimatesFrame,
  mempoolSummaryFrame,
  peersFrame,
  recentBlocksFrame,
  trafficFrame,
} from './frames.js';

const unitOf = (frame: DataFrameJSON, name: string) => frame.schema.fields.find((f) => f.name === name)?.config?.unit;
const typeOf = (frame: DataFrameJSON, name: string) => frame.schema.fields.find((f) => f.name === name)?.type;

describe('bitcoin frames', () => {
  it('chain.info: one row with units and types', () => {
    const frame = chainInfoFrames([
      {
        time: 1,
        chain: 'main',
        blocks: 10,
        headers: 11,
        bestBlockHash: 'h',
        verificationProgress: 0.5,
        initialBlockDownload: true,
        sizeOnDisk: 100,
        pruned: false,
        difficulty: 2,
        networkHashps: 3,
        warnings: '',
        tipTime: 1_000,
        tipAgeSeconds: 4,
      },
    ]);
    expect(frame.schema.name).toBe('chain.info');
    expect(frameLength(frame)).toBe(1);
    expect(typeOf(frame, CHAIN_FIELDS.time)).toBe('time');
    expect(typeOf(frame, CHAIN_FIELDS.initialBlockDownload)).toBe('boolean');
    expect(unitOf(frame, CHAIN_FIELDS.sizeOnDisk)).toBe('decbytes');
    expect(unitOf(frame, CHAIN_FIELDS.networkHashps)).toBe('Hs');
    expect(unitOf(frame, CHAIN_FIELDS.verificationProgress)).toBe('percentunit');
    expect(unitOf(frame, CHAIN_FIELDS.tipAgeSeconds)).toBe('s');
    expect(frameColumn(frame, CHAIN_FIELDS.blocks)).toEqual([10]);
  });

  it('blocks.recent: percentiles split into sat/vB columns', () => {
    const frame = recentBlocksFrame([
      {
        height: 1,
        hash: 'a',
        time: 600_000,
        txCount: 2,
        size: 300,
        weight: 1_200,
        totalFeesBtc: 0.1,
        avgFeeRate: 5,
        feeRatePercentiles: [1, 2, 3, 4, 5],
      },
    ]);
    expect(frameColumn(frame, BLOCK_FIELDS.feeRateP50)).toEqual([3]);
    expect(frameColumn(frame, BLOCK_FIELDS.feeRateP90)).toEqual([5]);
    expect(unitOf(frame, BLOCK_FIELDS.feeRateP10)).toBe('sat/vB');
    expect(unitOf(frame, BLOCK_FIELDS.totalFees)).toBe('currencyBTC');
    expect(unitOf(frame, BLOCK_FIELDS.size)).toBe('decbytes');
  });

  it('network.peers is a table with ping in ms and bytes in decbytes', () => {
    const frame = peersFrame([
      {
        id: 1,
        address: '1.2.3.4:8333',
        network: 'ipv4',
        direction: 'inbound',
        connectionType: 'inbound',
        userAgent: '/Satoshi:28.0.0/',
        version: 70016,
        pingMs: 12,
        bytesSent: 1,
        bytesRecv: 2,
        syncedHeight: null,
        connectedAt: 5,
        connectedSeconds: 6,
        lat: 50.1,
        lon: 8.7,
        country: 'DE',
        city: 'Frankfurt am Main',
        asn: 24940,
        org: 'Hetzner Online GmbH',
      },
    ]);
    expect(frame.schema.meta?.preferredVisualisationType).toBe('table');
    expect(unitOf(frame, PEER_FIELDS.pingMs)).toBe('ms');
    expect(unitOf(frame, PEER_FIELDS.bytesRecv)).toBe('decbytes');
    expect(frameColumn(frame, PEER_FIELDS.syncedHeight)).toEqual([null]);
    expect(frameColumn(frame, PEER_FIELDS.lat)).toEqual([50.1]);
    expect(frameColumn(frame, PEER_FIELDS.asn)).toEqual([24940]);
    expect(frameColumn(frame, PEER_FIELDS.org)).toEqual(['Hetzner Online GmbH']);
  });

  it('every numeric field of every frame has a unit', () => {
    const frames = [
      trafficFrame({ time: [1], bytesInPerSecond: [2], bytesOutPerSecond: [3] }),
      mempoolSummaryFrame([{ t: 1, size: 1, bytes: 1, usage: 1, maxmempool: 1, minFee: 1, totalFee: 1 }]),
      feeEstimatesFrame([{ target: 1, economical: 2, conservative: 3, economicalBlocks: 1, conservativeBlocks: 1 }]),
    ];
    for (const frame of frames) {
      for (const field of frame.schema.fields.filter((f) => f.type === 'number')) {
        expect(field.config?.unit, `${frame.schema.name}.${field.name}`).toBeTruthy();
      }
    }
    expect(unitOf(frames[0]!, 'bytesIn')).toBe('Bps');
    expect(unitOf(frames[1]!, 'minFee')).toBe('sat/vB');
    expect(unitOf(frames[2]!, 'economical')).toBe('sat/vB');
  });
});
