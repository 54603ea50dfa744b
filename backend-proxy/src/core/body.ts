// Reading an upstream's reply without trusting its size: a node that answers a gigabyte, or a
// chunked body that never ends, must cost a bounded amount of memory and time, not the process.
// (The time bound is the caller's AbortSignal timeout, which also cancels the body stream.)

/** Every upstream reply nodescope reads fits in this (geth's largest, eth_feeHistory over 1,024 blocks, is ~1 MB). */
export const DEFAULT_MAX_BODY_BYTES = 32 * 1024 * 1024;

export class BodyTooLargeError extends Error {
  override name = 'BodyTooLargeError';
  constructor(readonly limit: number) {
    super(`reply larger than ${Math.round(limit / 1_048_576)} MiB; not read`);
  }
}

/** The body as text, or BodyTooLargeError as soon as more than `maxBytes` arrived (the rest is not read). */
export async function readBodyText(response: Response, maxBytes = DEFAULT_MAX_BODY_BYTES): Promise<string> {
  const declared = Number(response.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > maxBytes) {
    await response.body?.cancel().catch(() => undefined);
    throw new BodyTooLargeError(maxBytes);
  }
  if (!response.body) return '';
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let received = 0;
  let text = '';
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    received += value.byteLength;
    if (received > maxBytes) {
      await reader.cancel().catch(() => undefined);
      throw new BodyTooLargeError(maxBytes);
    }
    text += decoder.decode(value, { stream: true });
  }
  return text + decoder.decode();
}
