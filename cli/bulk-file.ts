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

export interface FileLine {
  /** 1-based line number in the file (the CSV header is line 1). */
  line: number;
  invite?: InviteRequest;
  error?: string;
}

export interface BulkFile {
  lines: FileLine[];
  /** CSV columns that are not email, role or projects: ignored, listed once in the summary. */
  ignoredColumns: string[];
  /** Set when the file cannot be read as a whole (no email column, unreadable CSV): nothing is sent. */
  fileError?: string;
}

/** The columns the CLI reads; matched trimmed and case-insensitively. */
const COLUMNS = ['email', 'role', 'projects'] as const;
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

const readCsv = (text: string): BulkFile => {
  let header: string[] = [];
  let rows: { record: Record<string, string>; info: { lines: number } }[];
  try {
    rows = parseCsv(text, {
      columns: (names: string[]) => {
        header = names.map((name) => name.trim());
        return header.map((name) => name.toLowerCase());
      },
      skip_empty_lines: true,
      trim: true,
      info: true,
      bom: true,
      relax_column_count: true,
    }) as typeof rows;
  } catch (error) {
    return {
      lines: [],
      ignoredColumns: [],
      fileError: `Not a readable CSV file: ${(error as Error).message}`,
    };
  }
  const lowered = header.map((name) => name.toLowerCase());
  const missing = ['email', 'role'].filter((column) => !lowered.includes(column));
  if (missing.length > 0) {
    return {
      lines: [],
      ignoredColumns: [],
      fileError:
        `The CSV header has no ${missing.join(' and no ')} column (found: ${header.map((name) => JSON.stringify(name)).join(', ') || 'nothing'}). ` +
        'Expected a first line naming email, role and optionally projects, in any case and order; other columns are ignored.',
    };
  }
  const ignoredColumns = header.filter(
    (_, index) => !(COLUMNS as readonly string[]).includes(lowered[index]!),
  );
  const lines = rows.map(({ record, info }) => {
    const candidate: Record<string, unknown> = { email: record.email, role: record.role?.toLowerCase() };
    try {
      const projects = csvProjects(record.projects);
      if (projects !== undefined) candidate.projects = projects;
    } catch (error) {
      if (error instanceof CsvProjectsError) return { line: info.lines, error: error.message };
      throw error;
    }
    return check(info.lines, candidate, 'csv');
  });
  return { lines, ignoredColumns };
};

const readJsonLines = (text: string): BulkFile => ({
  ignoredColumns: [],
  lines: text.split(/\r?\n/).flatMap((raw, index): FileLine[] => {
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
});

/** A `.csv` file, or JSONL (`.jsonl`, `.ndjson`, or anything whose first character is `{`). */
export const readBulkFile = (name: string, text: string): BulkFile => {
  const jsonLines =
    /\.(jsonl|ndjson)$/i.test(name) || (!/\.csv$/i.test(name) && text.trimStart().startsWith('{'));
  return jsonLines ? readJsonLines(text) : readCsv(text);
};
