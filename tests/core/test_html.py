"""The sanitizer for user-written Markdown and HTML."""

import re

import pytest

from goi.core.html import render_markdown, safe, safe_snippet, sanitize


@pytest.mark.parametrize(
    ("dirty", "forbidden"),
    [
        ("<script>alert(1)</script>", "<script"),
        ("<SCRIPT SRC=//evil.example/x.js></SCRIPT>", "<script"),
        ("<style>body{display:none}</style>", "<style"),
        ('<iframe src="https://evil.example/"></iframe>', "<iframe"),
        ('<p onclick="steal()">x</p>', "onclick"),
        ('<img src=x onerror="steal()">', "onerror"),
        ('<a href="https://example.id/" onmouseover="steal()">x</a>', "onmouseover"),
        ('<a href="javascript:alert(1)">x</a>', "javascript:"),
        ('<a href="JaVaScRiPt:alert(1)">x</a>', "alert(1)"),
        ('<a href="data:text/html;base64,PHNjcmlwdD4=">x</a>', "data:"),
        ('<a href="vbscript:msgbox(1)">x</a>', "vbscript:"),
        ('<object data="x.swf"></object>', "<object"),
        ('<form action="https://evil.example/"><input name="p"></form>', "<form"),
        ('<p style="background:url(x)">x</p>', "style="),
        ('<svg onload="steal()"><circle/></svg>', "<svg"),
    ],
)
def test_sanitize_removes_dangerous_markup(dirty, forbidden):
    cleaned = sanitize(dirty)
    assert forbidden.lower() not in cleaned.lower()


def test_sanitize_keeps_allowed_markup():
    source = (
        "<p><strong>bold</strong> <em>em</em> <b>b</b> <i>i</i> <code>x = 1</code></p>"
        "<blockquote>quote</blockquote><ul><li>one</li></ul><ol><li>two</li></ol>"
        "<h3>Heading</h3><pre>pre</pre><hr><abbr title='Pemerintah Daerah'>Pemda</abbr>"
    )
    cleaned = sanitize(source)
    for kept in (
        "<strong>bold</strong>",
        "<em>em</em>",
        "<b>b</b>",
        "<i>i</i>",
        "<code>x = 1</code>",
        "<blockquote>quote</blockquote>",
        "<li>one</li>",
        "<ol>",
        "<h3>Heading</h3>",
        "<pre>pre</pre>",
        '<abbr title="Pemerintah Daerah">Pemda</abbr>',
    ):
        assert kept in cleaned


def test_sanitize_drops_headings_above_h3_but_keeps_their_text():
    cleaned = sanitize("<h1>Big</h1>")
    assert "<h1" not in cleaned
    assert "Big" in cleaned


def test_sanitize_adds_nofollow_to_links():
    cleaned = sanitize('<a href="https://example.id/page" title="Situs">situs</a>')
    assert 'href="https://example.id/page"' in cleaned
    assert 'title="Situs"' in cleaned
    assert 'rel="nofollow noopener noreferrer"' in cleaned


def test_sanitize_replaces_a_users_own_rel():
    cleaned = sanitize('<a href="https://example.id/" rel="opener">x</a>')
    assert 'rel="nofollow noopener noreferrer"' in cleaned
    assert 'rel="opener"' not in cleaned


def test_sanitize_links_bare_urls_with_nofollow_but_not_in_code():
    cleaned = sanitize("<p>See https://example.id/docs</p><pre>https://example.id/raw</pre>")
    assert '<a href="https://example.id/docs" rel="nofollow noopener noreferrer">' in cleaned
    assert "<pre>https://example.id/raw</pre>" in cleaned


def test_sanitize_keeps_mailto_links():
    cleaned = sanitize('<a href="mailto:info@example.id">mail</a>')
    assert 'href="mailto:info@example.id"' in cleaned


def test_render_markdown_renders_lists_and_tables():
    source = (
        "# Judul\n\n"
        "**tebal** dan *miring*\n\n"
        "- satu\n- dua\n\n"
        "1. pertama\n2. kedua\n\n"
        "| Kota | Penduduk |\n|:-----|---------:|\n| Palembang | 1.7 juta |\n"
    )
    html = render_markdown(source)
    assert "<strong>tebal</strong>" in html
    assert "<em>miring</em>" in html
    assert "<ul>" in html and "<li>satu</li>" in html and "<li>dua</li>" in html
    assert "<ol>" in html and "<li>pertama</li>" in html
    assert "<table>" in html
    assert "<th" in html and "Kota</th>" in html
    assert "Palembang</td>" in html
    assert 'align="right"' in html or "<td>1.7 juta</td>" in html


def test_render_markdown_sanitizes_raw_html_and_links():
    source = (
        'Halo <script>alert("x")</script> <b onclick="steal()">dunia</b>\n\n'
        "[klik](javascript:alert(1)) [situs](https://example.id/)\n"
    )
    html = render_markdown(source)
    assert "<script" not in html
    assert "onclick" not in html
    assert "javascript:" not in html
    assert "<b>dunia</b>" in html
    assert '<a href="https://example.id/" rel="nofollow noopener noreferrer">situs</a>' in html


@pytest.mark.parametrize("empty", ["", None])
def test_render_markdown_of_nothing_is_empty(empty):
    assert render_markdown(empty) == ""


def test_safe_marks_stored_html():
    marked = safe("<strong>x</strong>")
    assert str(marked) == "<strong>x</strong>"
    assert marked.__html__() == "<strong>x</strong>"
    assert str(safe(None)) == ""


@pytest.mark.parametrize(
    ("snippet", "expected"),
    [
        ("Peringatan <mark>banjir</mark> &amp; genangan", "Peringatan <mark>banjir</mark> &amp; genangan"),
        (
            "&lt;script&gt;alert(1)&lt;/script&gt; <mark>asap</mark>",
            "&lt;script&gt;alert(1)&lt;/script&gt; <mark>asap</mark>",
        ),
        ("<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;"),
        ('<mark onclick="x()">a</mark>', "&lt;mark onclick=&#34;x()&#34;&gt;a</mark>"),
        ('<img src=x onerror="alert(1)"><mark>b</mark>', "&lt;img src=x onerror=&#34;alert(1)&#34;&gt;<mark>b</mark>"),
        ("<MARK>c</MARK> <b>d</b>", "&lt;MARK&gt;c&lt;/MARK&gt; &lt;b&gt;d&lt;/b&gt;"),
        (None, ""),
    ],
)
def test_a_snippet_keeps_only_bare_mark_tags(snippet, expected):
    cleaned = safe_snippet(snippet)
    assert str(cleaned) == expected
    assert re.sub(r"</?mark>", "", str(cleaned)).count("<") == 0
