/**
 * Marked blocks in Markdown pages: `<!-- generated:NAME -->` … `<!-- /generated -->`. The text
 * between the markers belongs to `npm run docs:facts`; everything around it is written by hand.
 */

export const startMarker = (name: string): string => `<!-- generated:${name} -->`;
export const END_MARKER = '<!-- /generated -->';

/** Markers count only on lines of their own, so a page may quote them in prose. */
const BLOCK = /^<!-- generated:([a-z0-9-]+) -->\n([\s\S]*?)^<!-- \/generated -->$/gm;

/** The names and contents of the blocks a page holds, in order. */
export const blocksOf = (page: string): { name: string; content: string }[] =>
  [...page.matchAll(BLOCK)].map((match) => ({ name: match[1]!, content: match[2]! }));

/**
 * The page with each of its blocks replaced by `render(name)`; a block whose name `render` does not
 * know is an error (a typo in a marker would otherwise never be checked).
 */
export const fillBlocks = (
  page: string,
  render: (name: string) => string | undefined,
  file = 'page',
): string => {
  const lines = page.split('\n');
  const opened = lines.filter((line) => line.startsWith('<!-- generated:')).length;
  const closed = lines.filter((line) => line === END_MARKER).length;
  if (opened !== closed || opened !== blocksOf(page).length) {
    throw new Error(`${file}: every ${startMarker('NAME')} needs its own ${END_MARKER} on a later line.`);
  }
  return page.replace(BLOCK, (_whole, name: string) => {
    const content = render(name);
    if (content === undefined) throw new Error(`${file}: no generated block is named "${name}".`);
    return `${startMarker(name)}\n${content.replace(/\n*$/, '\n')}${END_MARKER}`;
  });
};

/** Line by line, where a page's blocks differ from what they should hold (empty: none). */
export const differences = (page: string, expected: string, file: string): string[] => {
  const found = blocksOf(page);
  const wanted = blocksOf(expected);
  return found.flatMap((block, index) => {
    if (block.content === wanted[index]!.content) return [];
    const have = block.content.split('\n');
    const want = wanted[index]!.content.split('\n');
    const line = want.findIndex((text, at) => text !== have[at]);
    return [
      `${file}: block "${block.name}" disagrees with the code.\n  page:      ${have[line] ?? '(missing line)'}\n  generated: ${want[line] ?? '(no such line)'}`,
    ];
  });
};
