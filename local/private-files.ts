/**
 * `npm start`'s state holds emails, invites and queued messages: readable by this user only.
 * Called before the database opens, so SQLite creates nothing with the process's umask (its WAL
 * and shared-memory files take the database file's permissions).
 */
import { chmodSync, closeSync, existsSync, mkdirSync, openSync } from 'node:fs';
import { join } from 'node:path';

/** Owner read and write only. */
export const PRIVATE_FILE_MODE = 0o600;
/** Owner only, for a folder this creates. */
export const PRIVATE_DIR_MODE = 0o700;
/** SQLite's companions of a database file in WAL mode. */
const COMPANIONS = ['-wal', '-shm', '-journal'];

/**
 * Makes `folder` (0700 when it creates it) and `file` in it, and sets `file` and any companion
 * SQLite left beside it to 0600, whatever the umask or an older run left.
 * @param folder - the state folder, created if need be
 * @param file - the database's file name in it
 * @example privateStateFiles('.local-state', 'state.db')
 */
export const privateStateFiles = (folder: string, file: string): void => {
  mkdirSync(folder, { recursive: true, mode: PRIVATE_DIR_MODE });
  const path = join(folder, file);
  // 'a': created empty when missing (SQLite takes an empty file as a new database), never truncated.
  closeSync(openSync(path, 'a', PRIVATE_FILE_MODE));
  for (const name of [path, ...COMPANIONS.map((suffix) => `${path}${suffix}`)]) {
    if (existsSync(name)) chmodSync(name, PRIVATE_FILE_MODE);
  }
};
