/**
 * `npm start`'s embedded state: one SQLite database, `state.db` in LOCAL_STATE_DIR, that the
 * in-process queue, the ledger and the simulator's organization keep their tables in, so a
 * restart resumes where the last run stopped. Only local/ uses it: no Lambda bundle imports it.
 */
import { privateStateFiles } from './private-files';
import { join, resolve } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { fileURLToPath } from 'node:url';

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

/**
 * The layout this version writes, kept in SQLite's `user_version`. 0 is a folder written before it
 * was recorded (better-sqlite3, Node 20): the same tables, so it is opened as is and marked 1.
 */
export const STATE_LAYOUT_VERSION = 1;

/** A state folder this version cannot read: said with what to do. */
export class StateDirUnreadableError extends Error {
  constructor(dir: string, why: string) {
    super(
      `${join(dir, STATE_FILE)} ${why}. Open it with the version that wrote it, or start afresh: move the folder away (mv ${dir} ${dir}.old) or give this run its own (LOCAL_STATE_DIR=${dir}-2 npm start).`,
    );
  }
}

/** SQLite's primary result codes, as node:sqlite's errors carry them in `errcode`. */
const SQLITE_BUSY = 5;
const SQLITE_NOTADB = 26;

function sqliteCode(error: unknown): number | undefined {
  const code = (error as { errcode?: unknown }).errcode;
  return typeof code === 'number' ? code & 0xff : undefined;
}

export class StateStore {
  #savepoints = 0;

  private constructor(
    readonly db: DatabaseSync,
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
    // timeout 0: a locked database fails at once rather than after a busy wait.
    const db = new DatabaseSync(join(folder, STATE_FILE), { timeout: 0 });
    try {
      db.exec('PRAGMA locking_mode = EXCLUSIVE');
      db.exec('PRAGMA journal_mode = WAL');
      db.exec('BEGIN EXCLUSIVE; COMMIT');
      const { user_version: layout } = db.prepare('PRAGMA user_version').get() as { user_version: number };
      if (layout > STATE_LAYOUT_VERSION) {
        throw new StateDirUnreadableError(
          folder,
          `was written by a newer version of this project (state layout ${layout}; this one reads up to ${STATE_LAYOUT_VERSION})`,
        );
      }
      if (layout < STATE_LAYOUT_VERSION) db.exec(`PRAGMA user_version = ${STATE_LAYOUT_VERSION}`);
    } catch (error) {
      db.close();
      const code = sqliteCode(error);
      if (code === SQLITE_BUSY) throw new StateDirInUseError(folder);
      if (code === SQLITE_NOTADB) throw new StateDirUnreadableError(folder, 'is not an SQLite database');
      throw error;
    }
    // NORMAL in WAL mode: a committed write survives the process being killed (only a power cut
    // can lose the last ones), at a fraction of FULL's fsyncs per message.
    db.exec('PRAGMA synchronous = NORMAL');
    return new StateStore(db, folder);
  }

  /** A private in-memory database: tests, benchmarks, and a LocalQueue given no store. */
  static inMemory(): StateStore {
    return new StateStore(new DatabaseSync(':memory:'), ':memory:');
  }

  /**
   * Runs `work` (synchronous) as one transaction: BEGIN IMMEDIATE takes the write lock up front,
   * COMMIT on return, ROLLBACK on a throw. A nested call runs inside the outer one as a savepoint,
   * so its throw undoes its own writes only, as better-sqlite3's `db.transaction` did.
   */
  transaction<T>(work: () => T): T {
    if (this.db.isTransaction) {
      const savepoint = `nested_${++this.#savepoints}`;
      this.db.exec(`SAVEPOINT ${savepoint}`);
      try {
        const result = work();
        this.db.exec(`RELEASE ${savepoint}`);
        return result;
      } catch (error) {
        this.db.exec(`ROLLBACK TO ${savepoint}; RELEASE ${savepoint}`);
        throw error;
      } finally {
        this.#savepoints--;
      }
    }
    this.db.exec('BEGIN IMMEDIATE');
    try {
      const result = work();
      this.db.exec('COMMIT');
      return result;
    } catch (error) {
      if (this.db.isTransaction) this.db.exec('ROLLBACK');
      throw error;
    }
  }

  close(): void {
    if (this.db.isOpen) this.db.close();
  }
}
