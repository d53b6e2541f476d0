/** The bundle rows of the bench: the worker is held to its own floor, paired round by round. */
import { describe, expect, it } from 'vitest';
import { bundleRows } from '../../bench/bundle-rows';
import { interleavedRounds } from '../../bench/rounds';

describe('interleavedRounds', () => {
  it("pairs a subject with another subject's samples of the same round, not only with the floor", () => {
    // Round r: floor 100 + r, worker floor 200 + 2r (twice the floor), worker 1.1 × the worker floor.
    const round = { floor: 0, 'worker-floor': 0, worker: 0 };
    const values = { floor: (r: number) => 100 + r, 'worker-floor': (r: number) => 200 + 2 * r };
    const { ratios, ratioTo } = interleavedRounds(
      'floor',
      ['worker-floor', 'worker'],
      (name) => {
        const r = round[name as keyof typeof round]++;
        return name === 'worker' ? 1.1 * values['worker-floor'](r) : values[name as keyof typeof values](r);
      },
      { minRounds: 5, maxRounds: 5 },
    );

    expect(ratios.get('worker')?.ratio).toBeCloseTo(2.2);
    expect(ratioTo('worker', 'worker-floor')).toMatchObject({ rounds: 5 });
    expect(ratioTo('worker', 'worker-floor').ratio).toBeCloseTo(1.1);
  });
});

describe('bundleRows', () => {
  const figure = (name: string, bytes: number, coldLoadMs: number, ratio = 1) => ({
    name,
    bytes,
    coldLoadMs,
    coldLoadRatio: { ratio, low: ratio - 0.02, high: ratio + 0.02, rounds: 21 },
  });

  it("holds the worker to 1.15 × its own floor (SQS, Secrets Manager, DynamoDB), with the pairing's noise", () => {
    const rows = bundleRows({
      floor: figure('floor', 300 * 1024, 80),
      functions: [
        figure('create-invite', 360 * 1024, 90, 1.1),
        figure('bulk-invite-worker', 480 * 1024, 110, 1.4),
      ],
      workerFloor: {
        ...figure('worker-floor', 360 * 1024, 95),
        workerRatio: { ratio: 1.2, low: 1.17, high: 1.23, rounds: 21 },
      },
    });

    expect(rows.find((row) => row.figure === 'cold load, bulk-invite-worker against its floor')).toEqual({
      figure: 'cold load, bulk-invite-worker against its floor',
      result: '1.20 × worker floor (110 ms)',
      target: '≤ 1.15 × worker floor',
      met: false,
      noise: '95 % interval 1.17–1.23 ×, 21 rounds',
    });
    expect(rows.find((row) => row.figure === 'bundle, bulk-invite-worker against its floor')?.result).toBe(
      'worker floor + 120.0 KB',
    );
    // Without a worker floor (the other source-map choice), no worker rows.
    expect(
      bundleRows({ floor: figure('floor', 1, 1), functions: [] }).some((row) =>
        row.figure.includes('worker floor'),
      ),
    ).toBe(false);
  });
});
