/**
 * Reads a bulk invite file: CSV (a header naming `email`, `role` and optionally `projects`, in any
 * case and order; other columns ignored) or JSONL (one InviteRequest a line). Every line is checked
 * as the API checks it; bad lines are reported with their line number and never sent. HR exports
 * are forgiving about headers, so the reader is too; a file it cannot read at all is one error.
 */
import { parse as parseCsv } from 'csv-parse/sync';
import { InvitesError } from '../lib/commons/errors';
import type { InviteRequest } from '../lib/openai/types';
import { parseInviteRequest } from '../lib/http/validation';
import { conflictMessage, sameEmailItems } from '../lib/bulk/jobs';

export interface FileLine {
  /** 1-based line number in the file (the CSV header is line 1). */
  line: number;
  invite?: InviteRequest;
  error?: string;
  /** A repeat of this earlier line's email and terms: not sent again. */
  duplicateOf?: number;
  /** Said about the line without rejecting it (a duplicate). */
  note?: string;
}

export interface BulkFile {
  lines: FileLine[];
  /** CSV columns that are not email, role or projects: ignored, listed once in the summary. */
  ignoredColumns: string[];
  /** Set when the file cannot be read as a whole (no email column, unreadable CSV): nothing is sent. */
  fileError?: string;
  /** What the reader chose that the operator should know (the separator, which email column). */
  notes?: string[];
}

const PROJECTS_FORM = 'id:role pairs separated by ";", e.g. proj_a:member;proj_b:owner';
const PAIR = /^([^:=\s]+)(?::\s*([A-Za-z]+))?$/;

class CsvProjectsError extends Error {}

/**
 * CSV `projects`: empty (the default project), `-` (no project at all), or `id:role` pairs
 * separated by `;`, e.g. `proj_a:member;proj_b:owner` (a bare `id` means `id:member`).
 */
const csvProjects = (cell: string | undefined): unknown => {
  const text = (cell ?? '').trim();
  if (text === '') return undefined;
  if (text === '-') return [];
  return text.split(';').map((raw) => {
    const match = PAIR.exec(raw.trim());
    if (!match) {
      throw new CsvProjectsError(
        `Invalid value for 'projects': ${JSON.stringify(raw.trim())} is not id:role (expected ${PROJECTS_FORM}, "-" for no project, or empty for the default project).`,
      );
    }
    return { id: match[1]!, role: (match[2] ?? 'member').toLowerCase() };
  });
};

const check = (line: number, candidate: unknown, hint = ''): FileLine => {
  try {
    return { line, invite: parseInviteRequest(candidate) };
  } catch (error) {
    if (!(error instanceof InvitesError)) throw error;
    // A CSV row's projects were written as id:role, so the API's `projects[0].role` gets that form.
    const form = hint && error.param?.startsWith('projects') ? ` (CSV projects: ${PROJECTS_FORM})` : '';
    return { line, error: `${error.message}${form}` };
  }
};

/** How an HR export's columns map onto an invite, and what a missing role means. */
export interface ReadOptions {
  /** `--role`: the role of a row whose role cell is empty, or of every row when there is no role column. */
  defaultRole?: string;
  /** `--email-column`, `--role-column`, `--projects-column`: header names, matched trimmed and case-insensitively. */
  emailColumn?: string;
  roleColumn?: string;
  projectsColumn?: string;
}

/** Header names that look like an email column, in the order one is chosen when several do. */
const looksLikeEmail = (name: string): boolean => /e-?mail/i.test(name);
const emailPreference = (name: string): number => {
  const lowered = name.toLowerCase();
  if (/work|business|company|corporate|office/.test(lowered)) return 0;
  if (lowered === 'email' || lowered === 'e-mail') return 1;
  if (/personal|private|home/.test(lowered)) return 3;
  return 2;
};

/** The separator of a CSV, from its header line: `;` and tab when they outnumber commas. */
export const separatorOf = (text: string): ',' | ';' | '\t' => {
  const header = text.replace(/^\uFEFF/, '').split(/\r?\n/, 1)[0] ?? '';
  const count = (character: string) => header.split(character).length - 1;
  const [best] = ([';', '\t'] as const)
    .filter((c) => count(c) > count(','))
    .sort((a, b) => count(b) - count(a));
  return best ?? ',';
};

const SEPARATOR_NAMES = { ',': 'comma', ';': 'semicolon', '\t': 'tab' } as const;

/** A spreadsheet saved as such (.xlsx, .xls, .ods), which only a CSV export can be read from. */
const spreadsheetError = (name: string, text: string): string | undefined => {
  const zip = text.startsWith('PK\u0003\u0004');
  const ole = text.startsWith('\uFFFD\uFFFD\u0011\u0871') || text.startsWith('\u00D0\u00CF\u0011\u00E0');
  if (!zip && !ole && !/\.(xlsx|xlsm|xls|ods|numbers)$/i.test(name)) return undefined;
  return (
    'This is a spreadsheet file, not CSV: open it and save or export it as CSV ' +
    '(Excel: File → Save As → "CSV UTF-8 (Comma delimited)"; Google Sheets: File → Download → CSV; ' +
    'Numbers: File → Export To → CSV), then run bulk-invite on the .csv file.'
  );
};

/** A column named by an option, or the error that says which columns there are. */
const namedColumn = (
  header: string[],
  option: string,
  name: string | undefined,
): { index?: number; error?: string } => {
  if (name === undefined) return {};
  const index = header.findIndex((column) => column.toLowerCase() === name.trim().toLowerCase());
  if (index >= 0) return { index };
  return {
    error: `--${option} ${JSON.stringify(name)} names no column of the header (found: ${header.map((column) => JSON.stringify(column)).join(', ')}).`,
  };
};

interface Columns {
  email: number;
  role?: number;
  projects?: number;
  notes: string[];
}

/** Which columns hold the email, role and projects; an error naming what is missing and what to pass. */
const columnsOf = (header: string[], options: ReadOptions): Columns | { error: string } => {
  const lowered = header.map((name) => name.toLowerCase());
  const email = namedColumn(header, 'email-column', options.emailColumn);
  const role = namedColumn(header, 'role-column', options.roleColumn);
  const projects = namedColumn(header, 'projects-column', options.projectsColumn);
  const refused = email.error ?? role.error ?? projects.error;
  if (refused) return { error: refused };
  const notes: string[] = [];
  let emailIndex = email.index;
  if (emailIndex === undefined) {
    const candidates = header
      .map((name, index) => ({ name, index }))
      .filter(({ name }) => looksLikeEmail(name))
      .sort((a, b) => emailPreference(a.name) - emailPreference(b.name) || a.index - b.index);
    emailIndex = candidates[0]?.index;
    if (candidates.length > 1)
      notes.push(
        `Several columns look like email (${candidates.map(({ name }) => JSON.stringify(name)).join(', ')}): using ${JSON.stringify(candidates[0]!.name)}. Pass --email-column NAME to use another.`,
      );
  }
  const roleIndex = role.index ?? (lowered.includes('role') ? lowered.indexOf('role') : undefined);
  const projectsIndex =
    projects.index ?? (lowered.includes('projects') ? lowered.indexOf('projects') : undefined);
  const found = `found: ${header.map((name) => JSON.stringify(name)).join(', ') || 'nothing'}`;
  if (emailIndex === undefined)
    return {
      error:
        `The CSV header has no email column (${found}). Name it with --email-column NAME, ` +
        'or give the file a first line naming email, role and optionally projects, in any case and order; other columns are ignored.',
    };
  if (roleIndex === undefined && options.defaultRole === undefined)
    return {
      error: `The CSV header has no role column (${found}). Pass --role reader (or owner) to give every row that role, or --role-column NAME.`,
    };
  if (roleIndex === undefined) notes.push(`No role column: every row gets --role ${options.defaultRole}.`);
  return { email: emailIndex, role: roleIndex, projects: projectsIndex, notes };
};

const readCsv = (name: string, text: string, options: ReadOptions): BulkFile => {
  const spreadsheet = spreadsheetError(name, text);
  if (spreadsheet) return { lines: [], ignoredColumns: [], fileError: spreadsheet };
  const delimiter = separatorOf(text);
  let rows: { record: string[]; info: { lines: number } }[];
  try {
    rows = parseCsv(text, {
      delimiter,
      skip_empty_lines: true,
      trim: true,
      info: true,
      bom: true,
      relax_column_count: true,
    }) as unknown as typeof rows;
  } catch (error) {
    return {
      lines: [],
      ignoredColumns: [],
      fileError: `Not a readable CSV file (read as ${SEPARATOR_NAMES[delimiter]}-separated): ${(error as Error).message}`,
    };
  }
  const header = (rows.shift()?.record ?? []).map((column) => column.trim());
  const columns = columnsOf(header, options);
  if ('error' in columns) return { lines: [], ignoredColumns: [], fileError: columns.error };
  const used = [columns.email, columns.role, columns.projects];
  const ignoredColumns = header.filter((_, index) => !used.includes(index));
  const notes =
    delimiter === ','
      ? columns.notes
      : [`Read as ${SEPARATOR_NAMES[delimiter]}-separated.`, ...columns.notes];
  const cell = (record: string[], index: number | undefined) =>
    index === undefined ? undefined : record[index];
  const lines = rows.map(({ record, info }) => {
    const role = cell(record, columns.role)?.trim() || options.defaultRole;
    const candidate: Record<string, unknown> = {
      email: cell(record, columns.email),
      role: role?.toLowerCase(),
    };
    try {
      const projects = csvProjects(cell(record, columns.projects));
      if (projects !== undefined) candidate.projects = projects;
    } catch (error) {
      if (error instanceof CsvProjectsError) return { line: info.lines, error: error.message };
      throw error;
    }
    return check(info.lines, candidate, 'csv');
  });
  return { lines: markSameEmails(lines), ignoredColumns, notes };
};

/**
 * The job's own rule for one email on several lines (lib/bulk/jobs.ts sameEmailItems), applied
 * to the file as the dry run and the send both see it: lines of other terms are rejected, naming
 * each other by line; a repeat of the same terms is sent once and noted.
 */
export const markSameEmails = (lines: FileLine[]): FileLine[] => {
  const valid = lines.flatMap((line) => (line.invite ? [{ line: line.line, invite: line.invite }] : []));
  const byLine = new Map<number, FileLine>();
  for (const duplicate of sameEmailItems(valid)) {
    const { line } = duplicate.item;
    if (duplicate.conflicting)
      byLine.set(line, { line, error: conflictMessage(duplicate, (other) => `line ${other.line}`) });
    else {
      const first = Math.min(line, ...duplicate.others.map((other) => other.line));
      if (first !== line)
        byLine.set(line, {
          line,
          duplicateOf: first,
          note: `duplicate of line ${first} (same terms): sent once`,
        });
    }
  }
  return lines.map((line) => byLine.get(line.line) ?? line);
};

const readJsonLines = (text: string): BulkFile => ({
  ignoredColumns: [],
  lines: markSameEmails(
    text.split(/\r?\n/).flatMap((raw, index): FileLine[] => {
      if (raw.trim() === '') return [];
      let value: unknown;
      try {
        value = JSON.parse(raw);
      } catch (error) {
        return [{ line: index + 1, error: `Invalid JSON: ${(error as Error).message}.` }];
      }
      if (typeof value !== 'object' || value === null || Array.isArray(value)) {
        return [{ line: index + 1, error: 'Not a JSON object: expected {"email", "role", "projects"?}.' }];
      }
      return [check(index + 1, value)];
    }),
  ),
});

/** A `.csv` file, or JSONL (`.jsonl`, `.ndjson`, or anything whose first character is `{`). */
export const readBulkFile = (name: string, text: string, options: ReadOptions = {}): BulkFile => {
  const jsonLines =
    /\.(jsonl|ndjson)$/i.test(name) || (!/\.csv$/i.test(name) && text.trimStart().startsWith('{'));
  return jsonLines ? readJsonLines(text) : readCsv(name, text, options);
};
