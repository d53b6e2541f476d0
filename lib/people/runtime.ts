/**
 * The person store a warm container keeps between invocations (mirrors lib/ledger/runtime.ts).
 * MINIMAL: holds a store installed by `setPersonStore` (`npm start`, tests); the store built from
 * the environment comes with the stores' own branch.
 */
import { ConfigurationError } from '../commons/errors';
import type { PersonStore } from './store';

let store: PersonStore | undefined;

/** The configured person store, else undefined: paths that declare intent on the side skip it. */
export const findPersonStore = (): PersonStore | undefined => store;

/** The configured person store; a configuration error when there is none. */
export const getPersonStore = (): PersonStore => {
  if (!store) throw new ConfigurationError('No person store is configured.');
  return store;
};

/** Replaces the container's person store (undefined: none). */
export const setPersonStore = (replacement: PersonStore | undefined): void => {
  store = replacement;
};
