import { describe, expect, it } from 'vitest';
import { parseArticle } from './markdown.ts';

describe('parseArticle', () => {
  it('reads the title, headings, paragraphs, lists and bold spans', () => {
    const blocks = parseArticle('# Title\nA summary\nthat wraps.\n\n## Part\n- one **two**\n- three\n\nEnd.');
    expect(blocks).toEqual([
      { kind: 'title', inline: [{ text: 'Title', strong: false }] },
      { kind: 'paragraph', inline: [{ text: 'A summary that wraps.', strong: false }] },
      { kind: 'heading', inline: [{ text: 'Part', strong: false }] },
      {
        kind: 'list',
        items: [
          [
            { text: 'one ', strong: false },
            { text: 'two', strong: true },
          ],
          [{ text: 'three', strong: false }],
        ],
      },
      { kind: 'paragraph', inline: [{ text: 'End.', strong: false }] },
    ]);
  });

  it('keeps HTML and links as literal text', () => {
    const [block] = parseArticle('<img src=x onerror=alert(1)> [link](https://example.org)');
    expect(block).toEqual({
      kind: 'paragraph',
      inline: [{ text: '<img src=x onerror=alert(1)> [link](https://example.org)', strong: false }],
    });
  });
});
