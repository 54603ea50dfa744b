import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MinerJsonError, parseMinerJson, repairJson } from './repair.js';

// Shapes are cut from captured replies: Antminer Z9-Mini / DR5 stats and a Whatsminer summary
// from check_cgminer's test/ReplyExamples.hs (real miners on a LAN), and the btminer/bmminer/
// Avalon defects pyasic's `_load_api_data` repairs (each with its firmware noted there).

describe('repairJson: captured firmware defects', () => {
  it('Antminer Z9-Mini stats: `}{` between the version object and the stats object, NUL-terminated', () => {
    const raw =
      '{"STATUS":[{"STATUS":"S","When":1557405087,"Code":70,"Msg":"CGMiner stats","Description":"cgminer 4.9.0"}],' +
      '"STATS":[{"CGMiner":"4.9.0","Miner":"9.0.0.5","CompileTime":"Sat May 26 20:42:30 CST 2018","Type":"Antminer Z9-Mini"}' +
      '{"STATS":0,"ID":"ZCASH0","Elapsed":1246310,"GHS 5s":"15.82","GHS av":15.83,"fan_num":1,"fan1":4200,' +
      '"chain_rate1":"5.07","chain_rate2":"5.14","chain_rate3":"5.61"}],"id":1}\u0000';
    const { value, repairs } = parseMinerJson(raw);
    expect(repairs).toEqual(expect.arrayContaining(['nul', 'missing-comma']));
    const stats = (value as { STATS: Array<Record<string, unknown>> }).STATS;
    expect(stats).toHaveLength(2);
    expect(stats[0]!.Type).toBe('Antminer Z9-Mini');
    expect(stats[1]!['GHS 5s']).toBe('15.82');
  });

  it('Antminer DR5 stats: the same `}{` with dashed temperature strings kept intact', () => {
    const raw =
      '{"STATUS":[{"STATUS":"S","When":1557343860,"Code":70,"Msg":"CGMiner stats","Description":"cgminer 4.9.0"}],' +
      '"STATS":[{"CGMiner":"4.9.0","Miner":"1.1.1","Type":"Antminer DR5"}{"STATS":0,"ID":"dcr0","GHS 5s":"35568.22",' +
      '"temp_in_pcb_1":"41-41","temp_out_chip_2":"74-75","chain_acs1":" oooooooo oooooooo"}],"id":1}';
    const stats = (parseMinerJson(raw).value as { STATS: Array<Record<string, unknown>> }).STATS;
    expect(stats[1]!.temp_out_chip_2).toBe('74-75');
    expect(stats[1]!.chain_acs1).toBe(' oooooooo oooooooo');
  });

  it('bmminer `[,{` at the start of an array', () => {
    const raw = '{"STATUS":[{"STATUS":"S","Code":7,"Msg":"1 Pool(s)"}],"POOLS":[,{"POOL":0,"URL":"stratum+tcp://p:3333","Status":"Alive"}],"id":1}';
    const { value, repairs } = parseMinerJson(raw);
    expect(repairs).toContain('leading-comma');
    expect((value as { POOLS: unknown[] }).POOLS).toHaveLength(1);
  });

  it('btminer (Whatsminer) summary: trailing `,}` and raw newlines', () => {
    const raw =
      '{"STATUS":[{"STATUS":"S","When":1093410,"Code":11,"Msg":"Summary","Description":"cgminer 4.9.2"}],\n' +
      '"SUMMARY":[{"Elapsed":1092753,"MHS av":33964601.57,"MHS 5s":35523530.10,\n"Accepted":374583,"Rejected":1269,' +
      '"Temperature":75.00,"Fan Speed In":6360,"Fan Speed Out":6390,"Power Fanspeed":11010,"Error Code Count":0,}],"id":1}\u0000';
    const { value, repairs } = parseMinerJson(raw);
    expect(repairs).toEqual(expect.arrayContaining(['trailing-comma', 'nul']));
    const row = (value as { SUMMARY: Array<Record<string, number>> }).SUMMARY[0]!;
    expect(row['MHS 5s']).toBe(35523530.1);
    expect(row['Error Code Count']).toBe(0);
  });

  it('btminer 2023-01-06: missing comma in `"…""temp0"`', () => {
    const raw = '{"STATUS":"S","When":1673000000,"Code":131,"Msg":{"name":"P222B","vin":"22100""temp0":"38.50","fan_speed":"5280"},"Description":""}';
    const { value, repairs } = parseMinerJson(raw);
    expect(repairs).toContain('missing-comma');
    expect((value as { Msg: Record<string, string> }).Msg.temp0).toBe('38.50');
  });

  it('cgminer/Avalon `inf` and `nan` numbers become null, but the words inside strings stay', () => {
    const raw = '{"STATUS":[{"STATUS":"S","Code":11,"Msg":"Summary","Description":"info nan inf"}],"SUMMARY":[{"Utility":-nan,"Work Utility":inf,"MHS av":-inf,"Elapsed":0}],"id":1}';
    const { value, repairs } = parseMinerJson(raw);
    expect(repairs).toEqual(['non-finite']);
    const v = value as { STATUS: Array<{ Description: string }>; SUMMARY: Array<Record<string, unknown>> };
    expect(v.SUMMARY[0]).toEqual({ Utility: null, 'Work Utility': null, 'MHS av': null, Elapsed: 0 });
    expect(v.STATUS[0]!.Description).toBe('info nan inf');
  });

  it('stray control bytes outside strings are dropped, inside strings escaped', () => {
    const raw = '{"STATUS":[{"STATUS":"S","Code":9}],\u0001"DEVS":[{"PCB SN":"HEM1E0\nA2","Slot":0}]\u0002,"id":1}';
    const { value, repairs } = parseMinerJson(raw);
    expect(repairs).toEqual(expect.arrayContaining(['control', 'control-in-string']));
    expect((value as { DEVS: Array<Record<string, unknown>> }).DEVS[0]!['PCB SN']).toBe('HEM1E0\nA2');
  });

  it('two top-level documents back to back come back as an array', () => {
    const raw = '{"STATUS":[{"STATUS":"S","Code":11}],"SUMMARY":[{"Elapsed":5}],"id":1}\u0000{"STATUS":[{"STATUS":"S","Code":7}],"POOLS":[],"id":1}\u0000';
    const result = parseMinerJson(raw);
    expect(result.documents).toBe(2);
    expect(result.repairs).toContain('concatenated');
    expect(Array.isArray(result.value)).toBe(true);
  });

  it('valid JSON passes unchanged and reports no repair', () => {
    const raw = '{"STATUS":[{"STATUS":"S","When":1,"Code":22,"Msg":"CGMiner versions","Description":"cgminer 4.11.1"}],"VERSION":[{"CGMiner":"4.11.1","API":"3.7"}],"id":1}';
    const result = repairJson(raw);
    expect(result.repairs).toEqual([]);
    expect(JSON.parse(result.text)).toEqual(JSON.parse(raw));
  });

  it('a truncated reply is refused with a clear error, not guessed', () => {
    expect(() => parseMinerJson('{"STATUS":[{"STATUS":"S","Code":11}],"SUMMARY":[{"Elapsed":5,"MHS')).toThrow(MinerJsonError);
  });
});

describe('repairJson properties (fast-check)', () => {
  // JSON values without -0 (JSON.stringify(-0) is "0") and with finite numbers only
  const json = fc.jsonValue().map((v) => JSON.parse(JSON.stringify(v)) as unknown);

  it('valid JSON comes back unchanged', () => {
    fc.assert(
      fc.property(json, (value) => {
        const result = repairJson(JSON.stringify(value));
        expect(result.repairs).toEqual([]);
        expect(JSON.parse(result.text)).toEqual(value);
      }),
      { numRuns: 300 }
    );
  });

  it('trailing commas before every closer and `}{` between array objects are repaired to the same value', () => {
    fc.assert(
      fc.property(fc.array(fc.dictionary(fc.string({ maxLength: 8 }), fc.oneof(fc.integer(), fc.string({ maxLength: 8 }), fc.boolean())), { minLength: 1, maxLength: 5 }), (objects) => {
        const text = JSON.stringify({ STATS: objects });
        // only structural characters outside strings are touched: build the broken text from parts
        const broken = `{"STATS":[${objects.map((o) => `${JSON.stringify(o).slice(0, -1)}${Object.keys(o).length > 0 ? ',' : ''}}`).join('')},]}`;
        expect(parseMinerJson(broken).value).toEqual(JSON.parse(text));
      }),
      { numRuns: 200 }
    );
  });
});
