// RFC 6455 framing, just what Freqtrade's message websocket needs (text, continuation, ping,
// pong, close), shared by the client and the simulator. Pure: buffers in, frames out.
import { createHash, randomBytes } from 'node:crypto';

export const WS_GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';
export const OPCODE = { continuation: 0x0, text: 0x1, binary: 0x2, close: 0x8, ping: 0x9, pong: 0xa } as const;

/** Sec-WebSocket-Accept for a Sec-WebSocket-Key. */
export function acceptKey(key: string): string {
  return createHash('sha1').update(key + WS_GUID).digest('base64');
}

/** One frame; clients must mask (RFC 6455 5.3), servers must not. */
export function encodeFrame(opcode: number, payload: Buffer, mask: boolean): Buffer {
  const length = payload.length;
  const header: number[] = [0x80 | opcode];
  const maskBit = mask ? 0x80 : 0;
  if (length < 126) header.push(maskBit | length);
  else if (length < 65_536) header.push(maskBit | 126, length >> 8, length & 0xff);
  else {
    header.push(maskBit | 127);
    const big = Buffer.alloc(8);
    big.writeBigUInt64BE(BigInt(length));
    header.push(...big);
  }
  if (!mask) return Buffer.concat([Buffer.from(header), payload]);
  const key = randomBytes(4);
  const masked = Buffer.alloc(length);
  for (let i = 0; i < length; i++) masked[i] = (payload[i] as number) ^ (key[i % 4] as number);
  return Buffer.concat([Buffer.from(header), key, masked]);
}

export interface Frame {
  fin: boolean;
  opcode: number;
  payload: Buffer;
}

export class FrameTooLargeError extends Error {
  override name = 'FrameTooLargeError';
}

/**
 * Incremental parser: push bytes, get complete frames. Messages split over continuation frames
 * are joined; control frames come out as they arrive.
 */
export class FrameParser {
  private buffer: Buffer = Buffer.alloc(0);
  private fragments: Buffer[] = [];
  private fragmentOpcode = 0;

  constructor(private readonly maxMessageBytes = 1024 * 1024) {}

  push(chunk: Buffer): Frame[] {
    this.buffer = this.buffer.length ? Buffer.concat([this.buffer, chunk]) : chunk;
    const out: Frame[] = [];
    for (;;) {
      const frame = this.next();
      if (!frame) return out;
      if (frame.opcode >= 0x8) {
        out.push(frame);
        continue;
      }
      if (frame.opcode !== OPCODE.continuation) this.fragmentOpcode = frame.opcode;
      this.fragments.push(frame.payload);
      const size = this.fragments.reduce((sum, f) => sum + f.length, 0);
      if (size > this.maxMessageBytes) throw new FrameTooLargeError(`websocket message over ${this.maxMessageBytes} bytes`);
      if (frame.fin) {
        out.push({ fin: true, opcode: this.fragmentOpcode, payload: Buffer.concat(this.fragments) });
        this.fragments = [];
      }
    }
  }

  private next(): Frame | null {
    const b = this.buffer;
    if (b.length < 2) return null;
    const first = b[0] as number;
    const second = b[1] as number;
    let offset = 2;
    let length = second & 0x7f;
    if (length === 126) {
      if (b.length < 4) return null;
      length = b.readUInt16BE(2);
      offset = 4;
    } else if (length === 127) {
      if (b.length < 10) return null;
      const big = b.readBigUInt64BE(2);
      if (big > BigInt(this.maxMessageBytes)) throw new FrameTooLargeError(`websocket frame over ${this.maxMessageBytes} bytes`);
      length = Number(big);
      offset = 10;
    }
    if (length > this.maxMessageBytes) throw new FrameTooLargeError(`websocket frame over ${this.maxMessageBytes} bytes`);
    const masked = (second & 0x80) !== 0;
    const keyOffset = offset;
    if (masked) offset += 4;
    if (b.length < offset + length) return null;
    let payload = b.subarray(offset, offset + length);
    if (masked) {
      const key = b.subarray(keyOffset, keyOffset + 4);
      payload = Buffer.from(payload.map((byte, i) => byte ^ (key[i % 4] as number)));
    } else {
      payload = Buffer.from(payload);
    }
    this.buffer = b.subarray(offset + length);
    return { fin: (first & 0x80) !== 0, opcode: first & 0x0f, payload };
  }
}
