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
      notes: [],
    });
  });

  describe('HR exports as they come', () => {
    it('gives every row the --role default when there is no role column, and an empty role cell too', () => {
      const noRole = readBulkFile('hr.csv', 'Name,Work Email,Department\nAda,ada@example.com,Eng\n');
      expect(noRole.fileError).toMatch(/no role column .* Pass --role reader \(or owner\)/);

      const file = readBulkFile('hr.csv', 'Name,Work Email,Department\nAda,ada@example.com,Eng\n', {
        defaultRole: 'reader',
      });
      expect(file.lines).toEqual([{ line: 2, invite: { email: 'ada@example.com', role: 'reader' } }]);
      expect(file.notes).toEqual(['No role column: every row gets --role reader.']);
      expect(file.ignoredColumns).toEqual(['Name', 'Department']);

      const emptyCell = readBulkFile('x.csv', 'email,role\nada@example.com,\nlin@example.com,owner\n', {
        defaultRole: 'reader',
      });
      expect(emptyCell.lines.map((line) => line.invite?.role)).toEqual(['reader', 'owner']);
    });

    it('maps columns by name with --email-column, --role-column and --projects-column, and names a wrong one', () => {
      const csv = 'Mail Address,Access,Workspaces\nada@example.com,Owner,proj_a:member\n';
      const file = readBulkFile('x.csv', csv, {
        emailColumn: 'mail address',
        roleColumn: 'Access',
        projectsColumn: 'WORKSPACES',
      });
      expect(file.lines).toEqual([
        {
          line: 2,
          invite: { email: 'ada@example.com', role: 'owner', projects: [{ id: 'proj_a', role: 'member' }] },
        },
      ]);
      expect(readBulkFile('x.csv', csv, { emailColumn: 'Email' }).fileError).toBe(
        '--email-column "Email" names no column of the header (found: "Mail Address", "Access", "Workspaces").',
      );
    });

    it('names the email column it uses when several look like one (the work email first)', () => {
      const file = readBulkFile('x.csv', 'Email,Work Email,Role\nada@home.example,ada@example.com,reader\n');
      expect(file.lines[0]!.invite!.email).toBe('ada@example.com');
      expect(file.notes).toEqual([
        'Several columns look like email ("Work Email", "Email"): using "Work Email". Pass --email-column NAME to use another.',
      ]);
      expect(
        readBulkFile('x.csv', 'Email,Work Email,Role\nada@home.example,ada@example.com,reader\n', {
          emailColumn: 'Email',
        }).lines[0]!.invite!.email,
      ).toBe('ada@home.example');
    });

    it('reads semicolon- and tab-separated exports and says so', () => {
      for (const [separator, name] of [
        [';', 'semicolon'],
        ['\t', 'tab'],
      ] as const) {
        const file = readBulkFile(
          'x.csv',
          `email${separator}role${separator}projects\nada@example.com${separator}reader${separator}proj_a:member;proj_b:owner\n`,
        );
        expect(file.notes).toEqual([`Read as ${name}-separated.`]);
        expect(file.lines[0]!.invite).toMatchObject({ email: 'ada@example.com', role: 'reader' });
      }
    });

    it('refuses a spreadsheet with the advice to save it as CSV', () => {
      const xlsx = 'PK\u0003\u0004\u0014\u0000binary';
      for (const [name, text] of [
        ['people.xlsx', xlsx],
        ['people.csv', xlsx],
        ['people.xlsx', 'email,role\n'],
      ] as const)
        expect(readBulkFile(name, text).fileError, name).toMatch(/spreadsheet file, not CSV: .*CSV UTF-8/);
    });

    it('rejects the same email with other terms by line, and sends a repeat of the same terms once', () => {
      const csv =
        'email,role\nada@example.com,reader\nlin@example.com,reader\nADA@example.com,owner\nlin@example.com,reader\n';
      const { lines } = readBulkFile('x.csv', csv);
      expect(lines).toEqual([
        {
          line: 2,
          error: expect.stringMatching(
            /^The same email is also at line 4 with different terms \(here role reader/,
          ),
        },
        { line: 3, invite: { email: 'lin@example.com', role: 'reader' } },
        {
          line: 4,
          error: expect.stringMatching(
            /^The same email is also at line 2 with different terms \(here role owner/,
          ),
        },
        { line: 5, duplicateOf: 3, note: 'duplicate of line 3 (same terms): sent once' },
      ]);
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
