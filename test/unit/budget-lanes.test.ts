import { describe, expect, it } from 'vitest';
import { currentLane, inLane } from '../../lib/budget/lanes';
import { ATTRIBUTE, decodeRecord, REVOKE_ACTION } from '../../lib/bulk/messages';
import { laneOf } from '../../lib/bulk/worker';
import { sqsRecord } from '../support/sqs-records';

describe('budget lanes', () => {
  it('follow the work through awaits and timers; outside any lane a call is interactive', async () => {
    expect(currentLane()).toBe('interactive');
    const seen = await inLane('leaver', async () => {
      await new Promise((resolve) => setTimeout(resolve, 5));
      const inner = await inLane('bulk', async () => currentLane());
      return [currentLane(), inner];
    });
    expect(seen).toEqual(['leaver', 'bulk']);
    expect(currentLane()).toBe('interactive');
  });

  it('the worker runs a revocation as a leaver, an HR system’s invite as a joiner, a bulk job’s as bulk', () => {
    const revoke = sqsRecord(
      { email: 'gone@example.com' },
      { attributes: { [ATTRIBUTE.action]: REVOKE_ACTION, [ATTRIBUTE.source]: 'bamboohr' } },
    );
    const hr = sqsRecord(
      { email: 'new@example.com', role: 'reader' },
      { attributes: { [ATTRIBUTE.source]: 'greenhouse' } },
    );
    const job = sqsRecord(
      { email: 'wave@example.com', role: 'reader' },
      { attributes: { [ATTRIBUTE.source]: 'api' } },
    );
    expect(laneOf(decodeRecord(revoke))).toBe('leaver');
    expect(laneOf(decodeRecord(hr))).toBe('joiner');
    expect(laneOf(decodeRecord(job))).toBe('bulk');
  });
});
