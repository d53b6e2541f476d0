/**
 * Interleaved rounds: each subject measured once a round, next to the floor, for as many rounds
 * as the noise needs. A subject's figure is the median of its per-round ratios to the floor
 * measured in the same round, so a slow spell of a shared 2-core machine, which slows both,
 * mostly cancels out. Rounds continue until every ratio's 95 % interval is within ±precision,
 * or maxRounds.
 */
import { median, medianInterval } from './report';

export interface RoundsOptions {
  minRounds?: number;
  maxRounds?: number;
  /** Half-width of the 95 % interval of each median ratio, e.g. 0.02 for ±0.02 ×. */
  precision?: number;
}

export interface PairedRatio {
  /** Median of the per-round ratios subject / floor. */
  ratio: number;
  low: number;
  high: number;
  rounds: number;
}

export interface RoundsResult {
  /** Every sample of every subject (floor included), in round order. */
  samples: Map<string, number[]>;
  ratios: Map<string, PairedRatio>;
  /** A subject's ratio to another subject instead of the floor, paired the same way. */
  ratioTo: (subject: string, floor: string) => PairedRatio;
}

export const interleavedRounds = (
  floor: string,
  subjects: string[],
  measure: (name: string) => number,
  options: RoundsOptions = {},
): RoundsResult => {
  const { minRounds = 15, maxRounds = 61, precision = 0.02 } = options;
  const names = [floor, ...subjects];
  const samples = new Map(names.map((name) => [name, [] as number[]]));
  const ratiosOf = (name: string, base = floor) =>
    samples.get(name)!.map((value, round) => value / samples.get(base)![round]!);
  const paired = (name: string, base = floor): PairedRatio => {
    const values = ratiosOf(name, base);
    return { ratio: median(values), ...medianInterval(values), rounds: values.length };
  };
  for (let round = 0; round < maxRounds; round += 1) {
    // Rotated order: no subject always runs right after the floor.
    for (let offset = 0; offset < names.length; offset += 1) {
      const name = names[(round + offset) % names.length]!;
      samples.get(name)!.push(measure(name));
    }
    if (round + 1 < minRounds) continue;
    const widest = Math.max(
      ...subjects.map((name) => {
        const { low, high } = medianInterval(ratiosOf(name));
        return (high - low) / 2;
      }),
    );
    if (widest <= precision) break;
  }
  const ratios = new Map(subjects.map((name) => [name, paired(name)]));
  return { samples, ratios, ratioTo: paired };
};
