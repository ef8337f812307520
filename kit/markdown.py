"""Plain text or Markdown written by users, rendered to HTML that is safe to show."""

import re

import markdown as markdown_lib
import nh3
from django.utils.html import linebreaks
from django.utils.safestring import SafeString, mark_safe

ALLOWED_TAGS = {
    "p",
    "br",
    "strong",
    "em",
    "ul",
    "ol",
    "li",
    "a",
    "h3",
    "h4",
    "blockquote",
    "code",
    "pre",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}
# Anything that could be Markdown syntax; text without it is plain paragraphs.
MARKDOWN_SYNTAX = re.compile(r"[*_#`>\[\]<&]|^\s*([-+]|\d+[.)])\s", re.MULTILINE)


def render_markdown(text: str) -> SafeString:
    """Markdown to HTML, then sanitised with nh3: only a small set of tags survives,
    links get rel="noopener noreferrer nofollow", scripts and event handlers are dropped.
    Headings start at h3, below the page's own h1 and h2."""
    if not text:
        return mark_safe("")
    if not MARKDOWN_SYNTAX.search(text):
        # Plain text (most texts): escaped paragraphs, without the Markdown machinery.
        return mark_safe(linebreaks(text, autoescape=True))  # noqa: S308 (escaped by linebreaks)
    html = markdown_lib.markdown(text, extensions=["sane_lists"], output_format="html")
    html = html.replace("<h1>", "<h3>").replace("</h1>", "</h3>")
    html = html.replace("<h2>", "<h3>").replace("</h2>", "</h3>")
    clean = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )
    return mark_safe(clean)  # noqa: S308 (sanitised by nh3 above)


LIST_ITEM = re.compile(r"^([-*+]|\d+[.)])\s+")


def unwrap(text: str) -> str:
    """Text copied with the hard line breaks of its source (a PDF, a YAML block) as
    paragraphs and lists: the lines of a paragraph are joined into one; a line starting
    with "- " (or "* ", "1. ") starts a list item, an indented line after it continues
    the item, and a list is set off by blank lines so Markdown renders it as a list.
    Blank lines between paragraphs stay. Used where seeded texts are loaded."""
    blocks: list[str] = []
    for chunk in re.split(r"\n[ \t]*\n", (text or "").strip()):
        # Runs of ("p" | "li", [lines]) in order; a run becomes one block.
        runs: list[tuple[str, list[str]]] = []
        for line in chunk.splitlines():
            stripped = " ".join(line.split())
            if not stripped:
                continue
            kind = runs[-1][0] if runs else None
            if LIST_ITEM.match(stripped):
                if kind != "li":
                    runs.append(("li", []))
                runs[-1][1].append(stripped)
            elif kind == "li" and line[:1].isspace():
                runs[-1][1][-1] += f" {stripped}"
            elif kind == "p":
                runs[-1][1].append(stripped)
            else:
                runs.append(("p", [stripped]))
        blocks.extend(("\n" if kind == "li" else " ").join(lines) for kind, lines in runs)
    return "\n\n".join(blocks)
