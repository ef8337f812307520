"""The portal's template filters expose building blocks of `kit` to the templates."""

from django.template import Context, Template


def test_the_markdown_filter_renders_sanitised_markdown():
    html = Template("{% load portal %}{{ text|markdown }}").render(
        Context({"text": "**vet** <script>alert(1)</script>"})
    )
    assert "<strong>vet</strong>" in html
    assert "<script" not in html
