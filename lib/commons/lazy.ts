/**
 * A value built on its first use and kept for the container's life. The zod schemas are built
 * this way: built at module load they were the largest share of the functions' cold load after
 * the AWS clients (bench: the schemas alone, ~0.1 × the worker's floor), and an invocation uses
 * one or two of them (an invite request and an invite answer; error, page and user readers only
 * when it meets those).
 */
export const lazy = <T>(build: () => T): (() => T) => {
  let value: T | undefined;
  return () => (value ??= build());
};
