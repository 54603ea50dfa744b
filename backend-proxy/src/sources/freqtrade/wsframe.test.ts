import { describe, expect, it } from 'vitest';
import { FrameParser, FrameTooLargeError, OPCODE, acceptKey, encodeFrame } from './wsframe.js';

describe('websocket framing', () => {
  it('computes the RFC 6455 example accept key', () => {
    expect(acceptKey('dGhlIHNhbXBsZSBub25jZQ==')).toBe('s3pPLMBiTxaQ9kYGzzhZRbK+xOo=');
  });

  it.each([5, 200, 70_000])('round-trips a %d-byte text frame, masked and unmasked, split anywhere', (size) => {
    const payload = Buffer.alloc(size, 'x');
    for (const mask of [true, false]) {
      const bytes = encodeFrame(OPCODE.text, payload, mask);
      const parser = new FrameParser();
      const frames = [...parser.push(bytes.subarray(0, 3)), ...parser.push(bytes.subarray(3))];
      expect(frames).toHaveLength(1);
      expect(frames[0]?.opcode).toBe(OPCODE.text);
      expect(frames[0]?.payload.equals(payload)).toBe(true);
    }
  });

  it('joins continuation frames and passes control frames through', () => {
    const first = encodeFrame(OPCODE.text, Buffer.from('{"a":'), false);
    first[0] = OPCODE.text; // FIN cleared
    const ping = encodeFrame(OPCODE.ping, Buffer.from('p'), false);
    const last = encodeFrame(OPCODE.continuation, Buffer.from('1}'), false);
    const frames = new FrameParser().push(Buffer.concat([first, ping, last]));
    expect(frames.map((f) => [f.opcode, f.payload.toString()])).toEqual([
      [OPCODE.ping, 'p'],
      [OPCODE.text, '{"a":1}'],
    ]);
  });

  it('refuses frames over the size limit', () => {
    expect(() => new FrameParser(100).push(encodeFrame(OPCODE.text, Buffer.alloc(200), false))).toThrow(FrameTooLargeError);
  });
});
