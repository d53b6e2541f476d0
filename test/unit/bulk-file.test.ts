import { describe, expect, it } from 'vitest';
import { readBulkFile } from '../../cli/bulk-file';

describe('readBulkFile', () => {
  it('reads CSV with the three project forms and reports bad lines by number', () => {
    const csv = [
      'email,role,projects',
      'ada@example.com,reader,',
      'grace@example.com,owner,proj_a:member;proj_b:owner',
      'none@example.com,reader,-',
      '"comma, inside@example.com",reader,',
      'bad,reader,',
    ].join('\n');

    const lines = readBulkFile('wave.csv', csv);

    expect(lines.slice(0, 3)).toEqual([
      { line: 2, invite: { email: 'ada@example.com', role: 'reader' } },
      {
        line: 3,
        invite: {
          email: 'grace@example.com',
          role: 'owner',
          projects: [
            { id: 'proj_a', role: 'member' },
            { id: 'proj_b', role: 'owner' },
          ],
        },
      },
      { line: 4, invite: { email: 'none@example.com', role: 'reader', projects: [] } },
    ]);
    expect(lines[3]).toMatchObject({ line: 5, error: expect.stringContaining('email') });
    expect(lines[4]).toMatchObject({ line: 6, error: expect.stringContaining('email') });
  });

  it('refuses a CSV column it does not know, as the API refuses a field', () => {
    const lines = readBulkFile('x.csv', 'email,role,team\nada@example.com,reader,blue\n');

    expect(lines).toEqual([{ line: 2, error: 'Unrecognized request argument supplied: team.' }]);
  });

  it('reads JSONL, skipping blank lines, and reports lines that are not JSON', () => {
    const jsonl =
      '{"email":"ada@example.com","role":"reader"}\n\nnot json\n{"email":"x@example.com","role":"owner","projects":[]}\n';

    expect(readBulkFile('wave.jsonl', jsonl)).toEqual([
      { line: 1, invite: { email: 'ada@example.com', role: 'reader' } },
      { line: 3, error: 'Not a JSON object.' },
      { line: 4, invite: { email: 'x@example.com', role: 'owner', projects: [] } },
    ]);
  });
});
