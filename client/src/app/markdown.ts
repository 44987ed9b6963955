// The information articles are written in a tiny Markdown subset (see docs/operating.md)
// and rendered by the app as text nodes, never as HTML, so an edited or tampered article
// cannot run script or load anything from elsewhere.

export type Inline = { readonly text: string; readonly strong: boolean };
export type Block =
  | { readonly kind: 'title' | 'heading' | 'paragraph'; readonly inline: readonly Inline[] }
  | { readonly kind: 'list'; readonly items: readonly (readonly Inline[])[] };

export function parseArticle(source: string): Block[] {
  const blocks: Block[] = [];
  let paragraph: string[] = [];
  let list: Inline[][] = [];
  const flush = () => {
    if (paragraph.length) blocks.push({ kind: 'paragraph', inline: inline(paragraph.join(' ')) });
    if (list.length) blocks.push({ kind: 'list', items: list });
    paragraph = [];
    list = [];
  };
  for (const raw of source.replace(/\r\n?/g, '\n').split('\n')) {
    const line = raw.trim();
    if (line === '') flush();
    else if (line.startsWith('## ')) {
      flush();
      blocks.push({ kind: 'heading', inline: inline(line.slice(3)) });
    } else if (line.startsWith('# ')) {
      flush();
      blocks.push({ kind: 'title', inline: inline(line.slice(2)) });
    } else if (/^[-*] /.test(line)) {
      if (paragraph.length) flush();
      list.push(inline(line.slice(2)));
    } else {
      if (list.length) flush();
      paragraph.push(line);
    }
  }
  flush();
  return blocks;
}

/** `**bold**` spans; everything else is literal text. */
function inline(text: string): Inline[] {
  return text
    .split('**')
    .map((part, i) => ({ text: part, strong: i % 2 === 1 }))
    .filter((part) => part.text !== '');
}
