/**
 * Issue 29, item 8: `npm start`'s state.db and its WAL are created 0600 (its folder 0700), and a
 * state left world-readable by an older run is made private when opened.
 */
import { chmodSync, existsSync, mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { StateStore, STATE_FILE } from '../../local/state-store';

const modeOf = (path: string): number => statSync(path).mode & 0o777;
let store: StateStore | undefined;
const previousUmask = process.umask(0o022);

afterEach(() => {
  store?.close();
  store = undefined;
});
process.on('exit', () => process.umask(previousUmask));

describe('the local state’s files', () => {
  it('are readable by their owner only: state.db and its WAL 0600, a new folder 0700', () => {
    // Prepare
    const dir = join(mkdtempSync(join(tmpdir(), 'private-state-')), 'state');

    // Act: open and write, so SQLite makes its WAL.
    store = StateStore.open(dir);
    store.db.exec('CREATE TABLE IF NOT EXISTS probe (x); INSERT INTO probe VALUES (1);');

    // Assess
    expect(modeOf(join(dir, STATE_FILE))).toBe(0o600);
    expect(existsSync(join(dir, `${STATE_FILE}-wal`))).toBe(true);
    expect(modeOf(join(dir, `${STATE_FILE}-wal`))).toBe(0o600);
    expect(modeOf(dir)).toBe(0o700);
  });

  it('are made private when an older run left them world-readable', () => {
    const dir = mkdtempSync(join(tmpdir(), 'private-state-'));
    writeFileSync(join(dir, STATE_FILE), '');
    chmodSync(join(dir, STATE_FILE), 0o644);

    store = StateStore.open(dir);

    expect(modeOf(join(dir, STATE_FILE))).toBe(0o600);
  });
});
