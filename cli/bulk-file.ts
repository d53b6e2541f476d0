/**
 * Reads a bulk invite file: CSV with the header `email,role,projects`, or JSONL (one
 * InviteRequest a line). Every line is checked as the API checks it; bad lines are reported with
 * their line number and never sent.
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

/**
 * CSV `projects`: empty (the default project), `-` (no project at all), or `id:role` pairs
 * separated by `;`, e.g. `proj_a:member;proj_b:owner`.
 */
const csvProjects = (cell: string | undefined): unknown => {
  const text = (cell ?? '').trim();
  if (text === '') return undefined;
  if (text === '-') return [];
  return text.split(';').map((pair) => {
    const [id = '', role = 'member'] = pair.split(':').map((part) => part.trim());
    return { id, role };
  });
};

const check = (line: number, candidate: unknown): FileLine => {
  try {
    return { line, invite: parseInviteRequest(candidate) };
  } catch (error) {
    if (error instanceof InvitesError) return { line, error: error.message };
    throw error;
  }
};

const readCsv = (text: string): FileLine[] => {
  const rows = parseCsv(text, {
    columns: true,
    skip_empty_lines: true,
    trim: true,
    info: true,
    bom: true,
  }) as {
    record: Record<string, string>;
    info: { lines: number };
  }[];
  return rows.map(({ record, info }) => {
    const { email, role, projects, ...rest } = record;
    const candidate: Record<string, unknown> = { email, role, ...rest };
    const parsedProjects = csvProjects(projects);
    if (parsedProjects !== undefined) candidate.projects = parsedProjects;
    return check(info.lines, candidate);
  });
};

const readJsonLines = (text: string): FileLine[] =>
  text.split(/\r?\n/).flatMap((raw, index) => {
    if (raw.trim() === '') return [];
    try {
      return [check(index + 1, JSON.parse(raw))];
    } catch {
      return [{ line: index + 1, error: 'Not a JSON object.' }];
    }
  });

/** Lines of a `.csv` file, or of JSONL (`.jsonl`, `.ndjson`, or anything whose first character is `{`). */
export const readBulkFile = (name: string, text: string): FileLine[] => {
  const jsonLines =
    /\.(jsonl|ndjson)$/i.test(name) || (!/\.csv$/i.test(name) && text.trimStart().startsWith('{'));
  return jsonLines ? readJsonLines(text) : readCsv(text);
};
