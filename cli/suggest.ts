/** "Did you mean …": the nearest known word to a mistyped command or option. */

/** Edit distance (insertions, deletions, substitutions and swaps of neighbours) between two short words. */
export const editDistance = (a: string, b: string): number => {
  const rows = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i <= a.length; i++)
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(rows[i - 1]![j]! + 1, rows[i]![j - 1]! + 1, rows[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        best = Math.min(best, rows[i - 2]![j - 2]! + 1);
      rows[i]![j] = best;
    }
  return rows[a.length]![b.length]!;
};

/** The closest of `known` to `word` when it is close enough to be a typo (or a prefix of it), else undefined. */
export const closest = (word: string, known: readonly string[]): string | undefined => {
  const lowered = word.toLowerCase();
  const scored = known
    .map((candidate) => ({
      candidate,
      distance: candidate.startsWith(lowered) && lowered.length >= 3 ? 0.5 : editDistance(lowered, candidate),
    }))
    .sort((x, y) => x.distance - y.distance);
  const best = scored[0];
  const allowed = Math.max(1, Math.floor(word.length / 3));
  return best && best.distance <= allowed ? best.candidate : undefined;
};

/** ` Did you mean "X"?` or nothing. */
export const didYouMean = (word: string, known: readonly string[]): string => {
  const match = closest(word, known);
  return match ? ` Did you mean ${match}?` : '';
};

/** The long options a usage text lists (`--watch`, `--interval SEC` → `--watch`, `--interval`). */
export const optionsIn = (usage: string): string[] => [
  ...new Set([...usage.matchAll(/(?<![\w-])--[a-z][a-z0-9-]*/g)].map((match) => match[0])),
];
