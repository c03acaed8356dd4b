"""What an accessible print document must be, read from its HTML and from the tagged PDF itself.

WeasyPrint turns the HTML into the PDF's structure tree: an ``<img>``'s ``alt`` and an ``<svg>``'s
``<title>`` become the figure's alternative text; a block inside a heading becomes a heading
inside the heading.
"""

from __future__ import annotations

import io
from html.parser import HTMLParser

from pypdf import PdfReader

HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class _Outline(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.open: list[str] = []
        self.problems: list[str] = []
        self.levels: list[int] = []
        self.svg_titles: list[bool] = []  # per open <svg>: has it a non-empty <title> child?
        self.in_svg_title = False

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag in HEADINGS:
            inside = [t for t in self.open if t in HEADINGS]
            if inside:
                self.problems.append(f"<{tag}> inside <{inside[-1]}>")
            level = int(tag[1])
            if not self.levels and level != 1:
                self.problems.append(f"the first heading is <{tag}>, not <h1>")
            elif self.levels and level > self.levels[-1] + 1:
                self.problems.append(f"<{tag}> follows <h{self.levels[-1]}>")
            self.levels.append(level)
        if tag == "img" and not (attributes.get("alt") or "").strip():  # WeasyPrint tags alt="" as no text
            self.problems.append(f"<img src={attributes.get('src')!r}> without alt")
        if tag == "svg":
            self.svg_titles.append(attributes.get("aria-hidden") == "true")
        if tag == "title" and self.svg_titles and self.open and self.open[-1] == "svg":
            self.in_svg_title = True
        if tag not in VOID and not tag.endswith("/"):
            self.open.append(tag)

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in VOID and self.open and self.open[-1] == tag:
            self.open.pop()

    def handle_data(self, data):
        if self.in_svg_title and data.strip():
            self.svg_titles[-1] = True

    def handle_endtag(self, tag):
        if tag == "title":
            self.in_svg_title = False
        if tag == "svg" and self.svg_titles and not self.svg_titles.pop():
            self.problems.append("<svg> without <title> (the figure's alternative text)")
        if tag in self.open:
            while self.open.pop() != tag:
                pass


def outline_problems(html: str) -> list[str]:
    """Headings nested or out of order, not exactly one <h1>, images and SVGs without a text."""
    parser = _Outline()
    parser.feed(html)
    parser.close()
    if parser.levels.count(1) != 1:
        parser.problems.append(f"{parser.levels.count(1)} <h1> instead of one")
    return parser.problems


def tagged_structure(pdf: bytes) -> list[tuple[str, str | None, tuple[str, ...]]]:
    """Every element of the PDF's structure tree: (type, alternative text, the types above it)."""
    root = PdfReader(io.BytesIO(pdf)).trailer["/Root"]
    found: list[tuple[str, str | None, tuple[str, ...]]] = []

    def walk(node, above: tuple[str, ...]):
        kids = node.get("/K")
        for kid in kids if isinstance(kids, list) else [kids] if kids is not None else []:
            element = kid.get_object() if hasattr(kid, "get_object") else kid
            if not hasattr(element, "get") or "/S" not in element:
                continue  # marked content or an object reference, not an element
            kind = str(element["/S"])
            alt = element.get("/Alt")
            found.append((kind, None if alt is None else str(alt), above))
            walk(element, (*above, kind))

    walk(root["/StructTreeRoot"].get_object(), ())
    return found


def tagged_problems(pdf: bytes) -> list[str]:
    """A figure without alternative text, a heading inside a heading, not exactly one H1."""
    problems = []
    structure = tagged_structure(pdf)
    for kind, alt, above in structure:
        if kind == "/Figure" and not (alt or "").strip():
            problems.append("a /Figure without /Alt")
        if kind.startswith("/H") and kind[2:].isdigit() and any(a.startswith("/H") and a[2:].isdigit()
                                                                for a in above):
            problems.append(f"{kind} inside {[a for a in above if a.startswith('/H')][-1]}")
    h1 = sum(kind == "/H1" for kind, _, _ in structure)
    if h1 != 1:
        problems.append(f"{h1} /H1 instead of one")
    return problems


def associated_files(pdf: bytes) -> tuple[list[str], list[str]]:
    """The file names in the catalogue's /AF and in its EmbeddedFiles name tree."""
    root = PdfReader(io.BytesIO(pdf)).trailer["/Root"]
    af = [str(spec.get_object()["/UF"]) for spec in root.get("/AF", [])]
    names = root["/Names"]["/EmbeddedFiles"].get_object()["/Names"]
    return af, [str(n) for n in names[0::2]]
