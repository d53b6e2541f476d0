/**
 * `npm start`'s embedded state: one SQLite database, `state.db` in LOCAL_STATE_DIR, that the
 * in-process queue, the ledger and the simulator's organization keep their tables in, so a
 * restart resumes where the last run stopped. Only local/ uses it: no Lambda bundle imports it.
 */
import { privateStateFiles } from './private-files';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';

/** The default folder, git-ignored, in the project (not the working directory). */
export const DEFAULT_STATE_DIR = fileURLToPath(new URL('../.local-state', import.meta.url));
export const STATE_FILE = 'state.db';

/** A second `npm start` on the same folder: said with the one thing to do. */
export class StateDirInUseError extends Error {
  constructor(dir: string) {
    super(
      `${join(dir, STATE_FILE)} is in use by another \`npm start\`. Stop that one, or give this one its own folder: LOCAL_STATE_DIR=${dir}-2 npm start`,
    );
  }
}

export class StateStore {
  private constructor(
    readonly db: Database.Database,
    /** The folder, or `:memory:`. */
    readonly location: string,
  ) {}

  /**
   * Opens (creating it if need be) `dir`/state.db and locks it for this process until it exits:
   * exclusive locking mode holds the lock taken by the first write, and the OS drops it when
   * the process dies, so no stale lock file outlives a killed run.
   */
  static open(dir: string): StateStore {
    const folder = resolve(dir);
    privateStateFiles(folder, STATE_FILE);
    // timeout 0: a locked database fails at once rather than after the default 5 s.
    const db = new Database(join(folder, STATE_FILE), { timeout: 0 });
    try {
      db.pragma('locking_mode = EXCLUSIVE');
      db.pragma('journal_mode = WAL');
      db.exec('BEGIN EXCLUSIVE; COMMIT');
    } catch (error) {
      db.close();
      if ((error as { code?: string }).code === 'SQLITE_BUSY') throw new StateDirInUseError(folder);
      throw error;
    }
    // NORMAL in WAL mode: a committed write survives the process being killed (only a power cut
    // can lose the last ones), at a fraction of FULL's fsyncs per message.
    db.pragma('synchronous = NORMAL');
    return new StateStore(db, folder);
  }

  /** A private in-memory database: tests, benchmarks, and a LocalQueue given no store. */
  static inMemory(): StateStore {
    return new StateStore(new Database(':memory:'), ':memory:');
  }

  /** Runs `work` as one transaction (nested calls join the outer one). */
  transaction<T>(work: () => T): T {
    return this.db.transaction(work)();
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}
