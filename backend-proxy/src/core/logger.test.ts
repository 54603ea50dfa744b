import { describe, expect, it } from 'vitest';
import { LogCapture } from '../../test/helpers.js';
import { createLogger, SecretScrubber } from './logger.js';

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
});
