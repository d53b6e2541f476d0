/**
 * Resources as answered: the stored resource with `id` and `meta` (RFC 7643 §3.1), cut down by
 * `attributes` / `excludedAttributes` (RFC 7644 §3.9; names any case, `urn:…:attr` for extension
 * attributes, and, leniently, a value filter `emails[type eq "work"]` read as its attribute).
 * `id` and `schemas` are always returned.
 */
import type { ScimRecord } from './store';

type Resource = Record<string, unknown>;

export const render = (record: ScimRecord, baseUrl: string): Resource => ({
  ...record.resource,
  id: record.id,
  meta: {
    resourceType: record.kind,
    created: record.created,
    lastModified: record.lastModified,
    location: `${baseUrl}/${record.kind}s/${record.id}`,
    version: `W/"${record.version}"`,
  },
});

interface Selector {
  /** Lower-case: the extension URN or '' for the core schema. */
  extension: string;
  attribute: string;
  sub?: string;
}

const selectorsOf = (list: string, extensions: string[]): Selector[] =>
  list
    .split(',')
    .map((item) =>
      item
        .replace(/\[[^\]]*\]/g, '')
        .trim()
        .toLowerCase(),
    )
    .filter(Boolean)
    .map((item) => {
      const urn = extensions.find((candidate) => item.startsWith(`${candidate.toLowerCase()}:`));
      const local = urn ? item.slice(urn.length + 1) : item;
      if (urn === undefined && extensions.some((candidate) => candidate.toLowerCase() === item))
        return { extension: item, attribute: '*' };
      const [attribute, sub] = local.split('.');
      return { extension: urn?.toLowerCase() ?? '', attribute: attribute!, ...(sub ? { sub } : {}) };
    });

const ALWAYS = new Set(['id', 'schemas']);

const pick = (value: unknown, subs: string[] | undefined): unknown => {
  if (!subs || subs.length === 0 || typeof value !== 'object' || value === null) return value;
  const keep = (item: Resource) =>
    Object.fromEntries(Object.entries(item).filter(([key]) => subs.includes(key.toLowerCase())));
  return Array.isArray(value) ? value.map((item) => keep(item as Resource)) : keep(value as Resource);
};

/** `resource` with only the listed attributes (plus id, schemas), or without the excluded ones. */
export const project = (
  resource: Resource,
  options: { attributes?: string; excludedAttributes?: string },
  extensions: string[],
): Resource => {
  if (options.attributes) {
    const selectors = selectorsOf(options.attributes, extensions);
    const out: Resource = {};
    for (const [key, value] of Object.entries(resource)) {
      const lower = key.toLowerCase();
      if (ALWAYS.has(lower)) {
        out[key] = value;
        continue;
      }
      const isExtension = extensions.some((urn) => urn.toLowerCase() === lower);
      if (isExtension) {
        const wanted = selectors.filter((selector) => selector.extension === lower);
        if (wanted.some((selector) => selector.attribute === '*')) out[key] = value;
        else if (wanted.length > 0) {
          const inner = Object.entries(value as Resource).filter(([name]) =>
            wanted.some((selector) => selector.attribute === name.toLowerCase()),
          );
          if (inner.length > 0) out[key] = Object.fromEntries(inner);
        }
        continue;
      }
      const wanted = selectors.filter(
        (selector) => selector.extension === '' && selector.attribute === lower,
      );
      if (wanted.length === 0) continue;
      const subs = wanted.some((selector) => !selector.sub)
        ? undefined
        : wanted.map((selector) => selector.sub!);
      out[key] = pick(value, subs);
    }
    return out;
  }
  if (options.excludedAttributes) {
    const selectors = selectorsOf(options.excludedAttributes, extensions);
    const out: Resource = {};
    for (const [key, value] of Object.entries(resource)) {
      const lower = key.toLowerCase();
      if (
        !ALWAYS.has(lower) &&
        selectors.some(
          (selector) => selector.extension === '' && selector.attribute === lower && !selector.sub,
        )
      )
        continue;
      if (selectors.some((selector) => selector.extension === lower && selector.attribute === '*')) continue;
      out[key] = value;
    }
    return out;
  }
  return resource;
};
