import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { decodeEntities, htmlToText, safeUrl } from './html-text.ts'

describe('htmlToText', () => {
  it.each([
    ['plain text', 'hello world', 'hello world'],
    ['tags dropped, whitespace collapsed', '<p>Hello   <b>big</b>\n world</p>', 'Hello big world'],
    ['paragraphs become an empty line', '<p>one</p><p>two</p>', 'one\n\ntwo'],
    ['br is a line break, two br an empty line', 'a<br>b<br/><br />c', 'a\nb\n\nc'],
    ['list items', '<ul>\n <li>one</li>\n <li>two</li>\n</ul>after', '- one\n- two\n\nafter'],
    ['entities decoded once', 'AT&amp;T &lt;b&gt; &#8217; &#x1F600; &hellip; &eacute;', 'AT&T <b> ’ 😀 … é'],
    ['unknown entities kept', '&bogus; & alone', '&bogus; & alone'],
    ['invalid code points replaced', '&#0; &#xD800; &#x110000;', '\ufffd \ufffd \ufffd'],
    ['links keep their target', 'see <a href="https://example.com/a?b=1&amp;c=2">the docs</a>.', 'see the docs (https://example.com/a?b=1&c=2).'],
    ['a link showing its own url is not repeated', '<a href="https://example.com/">example.com</a>', 'example.com'],
    ['an empty link shows its url', '<a href="https://example.com/x"></a>', 'https://example.com/x'],
    ['javascript: links lose their target', '<a href="javascript:alert(1)">click</a>', 'click'],
    ['script, style and svg contents are dropped', 'a<script>alert("x<p>")</script>b<style>p{}</style>c<svg><text>z</text></svg>d', 'abcd'],
    ['comments and doctype dropped', '<!DOCTYPE html><!-- secret -->x<?php echo 1 ?>', 'x'],
    ['CDATA is literal text', '<![CDATA[a &amp; <b>]]>', 'a &amp; <b>'],
    ['pre keeps line breaks', '<pre>a\n  b</pre>', 'a\n  b'],
    ['a lone < is text', '1 < 2 and 3 > 2', '1 < 2 and 3 > 2'],
    ['> inside a quoted attribute', '<a title="x>y" href="https://e.com">t</a>', 't (https://e.com/)'],
    ['unclosed tag at the end', 'text <a href="x', 'text'],
    ['images are dropped', 'a<img src="x.png" alt="chart">b', 'ab'],
    ['control characters removed', 'a\u0000b\u0007c', 'abc'],
  ])('%s', (_name, html, text) => {
    expect(htmlToText(html, null)).toBe(text)
  })

  it('resolves relative links against the base', () => {
    expect(htmlToText('<a href="/post/2">next</a>', 'https://blog.example/feed.xml')).toBe('next (https://blog.example/post/2)')
  })

  it('never throws and never emits marker characters', () => {
    const fragments = fc.constantFrom('<p>', '</p>', '<a href="/x">', '</a>', '<br>', '<li>', '<pre>', '</pre>', '<script>', '<!--', ']]>',
      '<![CDATA[', '&amp;', '&#x1F600;', '&#99999999;', '<', '>', '"', "'", ' ', '\n', 'text')
    fc.assert(fc.property(fc.array(fc.oneof(fragments, fc.string()), { maxLength: 40 }), fc.oneof(fc.constant(null), fc.webUrl()), (parts, base) => {
      const text = htmlToText(parts.join(''), base)
      expect(text).not.toMatch(/[\u0001-\u0003]/)
    }), { numRuns: 1000 })
  })
})

describe('decodeEntities', () => {
  it('leaves text without & alone', () => {
    expect(decodeEntities('plain')).toBe('plain')
  })
  it('decodes the Latin-1 table in order', () => {
    expect(decodeEntities('&nbsp;&yuml;&szlig;&times;')).toBe('\u00a0\u00ff\u00df\u00d7')
  })
})

describe('safeUrl', () => {
  const web = new Set(['http:', 'https:'])
  it.each([
    ['/a', 'https://x.org/feed', 'https://x.org/a'],
    ['https://y.org/b', null, 'https://y.org/b'],
    ['javascript:alert(1)', 'https://x.org/', null],
    ['data:text/html,hi', null, null],
    ['relative/without/base', null, null],
    ['', 'https://x.org/', null],
  ])('%s against %s', (ref, base, expected) => {
    expect(safeUrl(ref, base, web)).toBe(expected)
  })
})
