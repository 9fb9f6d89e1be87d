/**
 * The README is a front door to docs/ and benchmarks/: a link that points at a moved file
 * or a renamed heading strands the reader. Every relative link in README.md, docs/*.md and
 * benchmarks/README.md must name a file that exists and, for a Markdown file, a heading in it.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { headingAnchors, proseLines } from '../support/markdown.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const PAGES = ['README.md', 'benchmarks/README.md', ...readdirSync(join(ROOT, 'docs')).filter((name) => name.endsWith('.md')).map((name) => `docs/${name}`)];

/** Relative link targets of `[text](target)`, inline code spans removed first. */
function relativeLinks(markdown: string): string[] {
  const targets: string[] = [];
  for (const line of proseLines(markdown)) {
    for (const match of line.replace(/`[^`]*`/g, '``').matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)) {
      const target = match[1]!;
      if (!/^[a-z][a-z0-9+.-]*:/i.test(target)) targets.push(target);
    }
  }
  return targets;
}

function brokenLinks(page: string, markdown = readFileSync(join(ROOT, page), 'utf8')): string[] {
  return relativeLinks(markdown).flatMap((target) => {
    const [path = '', anchor] = target.split('#', 2);
    const file = path === '' ? join(ROOT, page) : join(ROOT, dirname(page), decodeURIComponent(path));
    if (!existsSync(file)) return [`${target}: no file ${relative(ROOT, file)}`];
    if (anchor === undefined || !file.endsWith('.md')) return [];
    return headingAnchors(readFileSync(file, 'utf8')).has(anchor) ? [] : [`${target}: no heading #${anchor} in ${relative(ROOT, file)}`];
  });
}

describe('documentation links', () => {
  it('finds the pages the README links to', () => {
    expect(PAGES).toEqual(expect.arrayContaining(['docs/errors.md', 'docs/tokens.md', 'docs/operations.md', 'docs/security.md', 'docs/supergraph.md']));
  });

  it.each(PAGES)('%s links only to files and headings that exist', (page) => {
    expect(brokenLinks(page)).toEqual([]);
  });

  it('names a missing file and a missing heading', () => {
    const page = '[gone](missing.md), [moved](../README.md#no-such-heading), [fine](../README.md#errors), [code](../src/errors/error-codes.ts)';
    expect(brokenLinks('docs/example.md', page)).toEqual(['missing.md: no file docs/missing.md', '../README.md#no-such-heading: no heading #no-such-heading in README.md']);
  });

  it('reads links and anchors the way GitHub renders them', () => {
    const page = '# Errors\n\n## Authorization: `merchant:cloud-environments:read`\n## The file (`AUTHORIZERS_FILE`)\n## Soak\n## Soak\n```\n# not a heading [x](nowhere.md)\n```\nSee [a](docs/a.md#top), `[b](code.md)`, [c](https://example.com) and [d](#soak-1).';
    expect([...headingAnchors(page)]).toEqual(['errors', 'authorization-merchantcloud-environmentsread', 'the-file-authorizers_file', 'soak', 'soak-1']);
    expect(relativeLinks(page)).toEqual(['docs/a.md#top', '#soak-1']);
  });
});
