/** The error of class `kind` that `act` throws; anything else (or nothing) fails the test. */
export const thrownBy = <T extends Error>(act: () => unknown, kind: new (...args: never[]) => T): T => {
  try {
    act();
  } catch (error) {
    if (error instanceof kind) return error;
    throw error;
  }
  throw new Error(`expected ${kind.name} to be thrown`);
};
