import { describe, expect, it } from 'vitest';
import { LogCapture } from '../../test/helpers.js';
import { UpstreamError } from '../sources/types.js';
import { CircuitOpenError } from './circuit.js';
import { createLogger, isExpectedFailure, SecretScrubber } from './logger.js';

describe('logger', () => {
  it('redacts secret keys and scrubs secret values anywhere in a line', () => {
    const scrubber = new SecretScrubber();
    scrubber.add('s3cret-cookie-value', 'hunter2hunter2');
    const logs = new LogCapture();
    const logger = createLogger({ scrubber, destination: logs });
    logger.info({ rpc: { password: 'hunter2hunter2', url: 'http://x' } }, 'connecting');
    logger.error({ err: new Error('auth failed for __cookie__:s3cret-cookie-value') }, 'rpc error');
    expect(logs.text).not.toContain('hunter2hunter2');
    expect(logs.text).not.toContain('s3cret-cookie-value');
    expect(logs.text).toContain('[redacted]');
    expect(logs.lines).toHaveLength(2);
  });

  it('ignores values too short to scrub safely', () => {
    const scrubber = new SecretScrubber();
    scrubber.add('abc', '', undefined);
    expect(scrubber.size).toBe(0);
    expect(scrubber.scrub('abc')).toBe('abc');
  });

  it('logs an expected upstream failure as its cause on one line, a bug with its stack', () => {
    const logs = new LogCapture();
    const logger = createLogger({ scrubber: new SecretScrubber(), destination: logs });
    class RpcError extends UpstreamError {
      override name = 'RpcError';
    }
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:8332'), { code: 'ECONNREFUSED' });
    logger.warn({ err: new CircuitOpenError('btc-main rpc: circuit open after 3 failures (ECONNREFUSED)') }, 'query failed');
    logger.warn({ err: new RpcError('Loading block index', -28) }, 'query failed');
    logger.warn({ err: refused }, 'poll failed');
    logger.error({ err: new TypeError("Cannot read properties of undefined (reading 'x')") }, 'bug');
    const [circuit, rpc, socket, bug] = logs.lines.map((line) => JSON.parse(line) as { err: Record<string, unknown> });
    expect(circuit!.err).toEqual({ type: 'CircuitOpenError', message: 'btc-main rpc: circuit open after 3 failures (ECONNREFUSED)' });
    expect(rpc!.err).toEqual({ type: 'RpcError', message: 'Loading block index', code: -28 });
    expect(socket!.err).toEqual({ type: 'Error', message: 'connect ECONNREFUSED 127.0.0.1:8332', code: 'ECONNREFUSED' });
    expect(bug!.err.stack).toMatch(/TypeError: Cannot read properties/);
    expect(isExpectedFailure(new Error('plain'))).toBe(false);
    expect(isExpectedFailure('a string')).toBe(false);
  });
});
