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

    const { lines, ignoredColumns } = readBulkFile('wave.csv', csv);

    expect(ignoredColumns).toEqual([]);
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

  it('reads an HR export: header in any case and order, trimmed, extra columns ignored and listed', () => {
    const csv = ' Name ,Email,Role,Projects,Team\nAda L,ada@example.com,Reader,proj_a:member,blue\n';

    expect(readBulkFile('x.csv', csv)).toEqual({
      lines: [
        {
          line: 2,
          invite: { email: 'ada@example.com', role: 'reader', projects: [{ id: 'proj_a', role: 'member' }] },
        },
      ],
      ignoredColumns: ['Name', 'Team'],
    });
  });

  it('gives one error for a CSV without an email column, and reads no line', () => {
    const file = readBulkFile('x.csv', 'mail,role\nada@example.com,reader\nlin@example.com,reader\n');

    expect(file.lines).toEqual([]);
    expect(file.fileError).toMatch(/^The CSV header has no email column \(found: "mail", "role"\)/);
  });

  it('names the id:role form for projects written another way', () => {
    const { lines } = readBulkFile('x.csv', 'email,role,projects\nada@example.com,reader,proj_a=member\n');

    expect(lines[0]!.error).toBe(
      `Invalid value for 'projects': "proj_a=member" is not id:role (expected id:role pairs separated by ";", e.g. proj_a:member;proj_b:owner, "-" for no project, or empty for the default project).`,
    );
  });

  it('adds the CSV form to a project error the API check finds', () => {
    const { lines } = readBulkFile('x.csv', 'email,role,projects\nada@example.com,reader,proj_a:admin\n');

    expect(lines[0]!.error).toMatch(/'projects\[0\]\.role'.*\(CSV projects: id:role pairs/);
  });

  it('reads JSONL, skipping blank lines, and tells invalid JSON from a value that is not an object', () => {
    const jsonl =
      '{"email":"ada@example.com","role":"reader"}\n\n{"email":"lin@example.com","role":"reader",}\n[1]\n{"email":"x@example.com","role":"owner","projects":[]}\n';

    expect(readBulkFile('wave.jsonl', jsonl).lines).toEqual([
      { line: 1, invite: { email: 'ada@example.com', role: 'reader' } },
      { line: 3, error: expect.stringMatching(/^Invalid JSON: .*position/) },
      { line: 4, error: 'Not a JSON object: expected {"email", "role", "projects"?}.' },
      { line: 5, invite: { email: 'x@example.com', role: 'owner', projects: [] } },
    ]);
  });
});
