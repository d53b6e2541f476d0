/**
 * SCIM filters (RFC 7644 §3.4.2.2) through `scim2-parse-filter`: its parser gives the AST
 * (`eq ne co sw ew pr gt ge lt le`, `and`/`or`/`not`, brackets, value paths), its evaluator
 * matches attribute names case-insensitively. Two leniencies before parsing, as identity providers
 * and Microsoft's test collection need: an unquoted comparison value (`userName sw O`) is read as
 * a string, and `meta.created`-style times compare as instants.
 */
import { type Filter, filter as compile, parse } from 'scim2-parse-filter';
import { invalidFilter } from './errors';

export type { Filter };

const COMPARISON = /(\s(?:eq|ne|co|sw|ew|gt|ge|lt|le)\s+)([^\s"()[\]]+)/gi;

const isJsonLiteral = (word: string): boolean => {
  try {
    JSON.parse(word);
    return true;
  } catch {
    return false;
  }
};

/** Quotes a bare word compared against (`sw O` → `sw "O"`), outside quoted strings. */
export const quoteBareValues = (text: string): string =>
  text
    .split(/("(?:[^"\\]|\\.)*")/)
    .map((part, index) =>
      index % 2 === 1
        ? part
        : part.replace(COMPARISON, (whole, operator: string, word: string) =>
            isJsonLiteral(word) ? whole : `${operator}${JSON.stringify(word)}`,
          ),
    )
    .join('');

/** The filter's AST, or a 400 `invalidFilter` that says why. */
export const parseFilter = (text: string): Filter => {
  if (text.length > 2_000) throw invalidFilter('The filter is longer than 2000 characters.');
  try {
    return parse(quoteBareValues(text.trim()));
  } catch (error) {
    throw invalidFilter(
      `The filter could not be parsed: ${error instanceof Error ? error.message : 'bad syntax'}.`,
    );
  }
};

/** A predicate over stored resources (attribute names any case). */
export const matcher = (ast: Filter): ((resource: Record<string, unknown>) => boolean) => compile(ast);
