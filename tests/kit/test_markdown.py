"""User text: plain or Markdown, always rendered as safe, sanitised HTML."""

from kit.markdown import render_markdown


def _render(text):
    return str(render_markdown(text))


def test_plain_text_becomes_paragraphs_not_escaped_markup():
    assert _render("Eerste alinea.\n\nTweede alinea.") == (
        "<p>Eerste alinea.</p>\n\n<p>Tweede alinea.</p>"
    )


def test_markdown_is_rendered_with_headings_below_the_page_headings():
    html = _render("# Kop\n\n**vet** en een [link](https://example.org)")
    assert "<h3>Kop</h3>" in html
    assert "<strong>vet</strong>" in html
    assert 'rel="noopener noreferrer nofollow"' in html


def test_scripts_handlers_and_javascript_links_are_removed():
    html = str(
        render_markdown(
            "<script>alert(1)</script><img src=x onerror=alert(1)> [x](javascript:alert(1))"
        )
    )
    assert "<script" not in html
    assert "onerror" not in html
    assert "javascript:" not in html


def test_angle_brackets_in_plain_text_stay_text():
    assert _render("a < b en c > d") == "<p>a &lt; b en c &gt; d</p>"
