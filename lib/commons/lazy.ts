/**
 * A value built on its first use and kept for the container's life. The zod schemas are built
 * this way: built at module load they were the largest share of the functions' cold load after
 * the AWS clients (bench), and most invocations validate one request or none.
 *
 * Call it as `/* @__PURE__ *\/ lazy(...)`: then a bundle that never reads the value drops it and
 * everything only it uses (the list and retrieve functions carry no zod that way).
 */
export const lazy = <T>(build: () => T): (() => T) => {
  let value: T | undefined;
  return () => (value ??= build());
};
