"""Hostile user text, by the output it attacks, and scenarios that carry it (issue 14, items
7-9). The output tests (tests/engine/narrate/test_safe_text.py,
tests/analysis/test_report_safety.py, tests/ui/test_user_text_safety.py) put these wherever a
user can type and check what comes out.

``markdown_check`` renders Markdown with a CommonMark parser (markdown-it, raw HTML and GFM
autolinks on, as a permissive viewer would) and returns everything in the result that could
fetch or link: images, links, raw HTML.
"""

from __future__ import annotations

import copy
import html.parser
import re
from pathlib import Path

import yaml

# --- HTML and Markdown ---------------------------------------------------------------------------

SCRIPT = "<script>alert('brink')</script>"
IMG_ONERROR = "<img src=x onerror=alert(document.title)>"
SVG_ONLOAD = '<svg onload="alert(1)">'
JS_LINK = "[click me](javascript:alert(1))"
IMAGE_HTTP = "![a](http://evil.example/a.png)"
IMAGE_HTTPS = "![b](https://evil.example/b.png)"
IMAGE_RELATIVE = "![c](//evil.example/c.png)"
IMAGE_ESCAPED = "\\![e](http://evil.example/e.png)"
# inert as typed; active if an escaper leaves the user's backslashes alone ("\\[" cancels "\[")
ESCAPED_LINK = "\\[e\\](http://evil.example/e)"
REFERENCE_IMAGE = "![d][pic]\n\n[pic]: http://evil.example/d.png"
ENTITIES = "&lt;img src=x onerror=alert(2)&gt; &#60;script&#62;alert(3)&#60;/script&#62;"
ENTITY_IMAGE = "&#33;[f](http://evil.example/f.png)"
AUTOLINKS = ("<http://evil.example/g> https://evil.example/h mail@example.org "
             "www.example.org/w")
DIRECTIVE = ":red[red text] :material/warning:"
CODE_BREAKOUT = "```\n![i](http://evil.example/i.png)\n```"

ONE_LINE = [SCRIPT, IMG_ONERROR, SVG_ONLOAD, JS_LINK, IMAGE_HTTP, IMAGE_HTTPS, IMAGE_RELATIVE,
            IMAGE_ESCAPED, ESCAPED_LINK, ENTITIES, ENTITY_IMAGE, AUTOLINKS, DIRECTIVE]
MULTI_LINE = [REFERENCE_IMAGE, CODE_BREAKOUT]
MARKUP = ONE_LINE + MULTI_LINE
# those a Markdown viewer turns into an image, a link or raw HTML as they are (the others
# attack other layers: entities an HTML writer, directives Streamlit, the fence a code block)
ACTIVE = [t for t in MARKUP if t not in (ENTITIES, DIRECTIVE, CODE_BREAKOUT, ESCAPED_LINK)]
EVIL_HOST = "evil.example"


def paragraph(*parts: str) -> str:
    return "\n\n".join(parts)


# --- terminals -----------------------------------------------------------------------------------

ANSI_COLOUR = "\x1b[31mred\x1b[0m"
OSC8_LINK = "\x1b]8;;http://evil.example\x1b\\click\x1b]8;;\x1b\\"
OSC_TITLE = "\x1b]0;pwned\x07"
CLEAR_SCREEN = "\x1b[2J\x1b[H"
C1_CSI = "\x9b31m"
BELL = "ding\x07"
BACKSPACE = "safe\x08\x08\x08\x08evil"
CARRIAGE_RETURN = "all fine\rEVIL"
BIDI = "\u202eexe.txt"
BIDI_ISOLATE = "\u2067abc\u2069"
CONTROL = [ANSI_COLOUR, OSC8_LINK, OSC_TITLE, CLEAR_SCREEN, C1_CSI, BELL, BACKSPACE,
           CARRIAGE_RETURN, BIDI, BIDI_ISOLATE]
# what must never reach a terminal (tab and newline aside)
UNSAFE_CODEPOINTS = ({*range(0x00, 0x20), 0x7F, *range(0x80, 0xA0), 0x061C, 0x200E, 0x200F,
                      *range(0x202A, 0x202F), *range(0x2066, 0x206A), 0x2028, 0x2029}
                     - {0x09, 0x0A})


def unsafe_for_terminal(text: str) -> list[str]:
    return [repr(c) for c in text if ord(c) in UNSAFE_CODEPOINTS]


# --- spreadsheets --------------------------------------------------------------------------------

FORMULAS = ["=1+1", "+SUM(1,1)", "-2+3+cmd|' /C calc'!A0", "@SUM(A1:A2)", "\t=1+1", "\r=1+1",
            '=HYPERLINK("http://evil.example","x")']


# --- scenarios that carry them -------------------------------------------------------------------


def hostile_scenario_data(path: Path, text: str = " ".join(ONE_LINE),
                          names: bool = True) -> dict:
    """A scenario file's data with ``text`` in every field a user writes and people read:
    title, briefing, teaching notes, actor names (unless not ``names``), inject texts,
    outcome names, lever labels and descriptions, discussion questions (printable text only:
    what a scenario file may hold whatever the loader checks)."""
    data = copy.deepcopy(yaml.safe_load(path.read_text(encoding="utf-8")))
    data["title"] = f"{IMG_ONERROR} {IMAGE_HTTP} title"
    data["briefing"] = paragraph("Briefing.", *MARKUP)
    data["teaching_notes"] = paragraph("Notes.", *MARKUP)
    for i, actor in enumerate(data["actors"] if names else []):
        actor["name"] = f"{actor['name']} {ONE_LINE[i % len(ONE_LINE)]}"
    for inject in data.get("injects", []):
        inject["text"] = f"{inject['text']} {text}"
        inject["expected_actions"] = [f"expect {IMAGE_RELATIVE} {SCRIPT}"]
    for outcome in data.get("outcomes", []):
        outcome["name"] = f"{outcome['name']} {IMAGE_HTTPS} {SCRIPT}"
    for lever in data.get("levers", {}).values():
        lever["label"] = f"lever {IMAGE_HTTP} {IMG_ONERROR}"
        lever["description"] = f"{JS_LINK} {IMAGE_RELATIVE}"
    for question in data.get("discussion", []):
        question["question"] = f"{question['question']} {IMAGE_HTTPS}"
    lesson = data.get("lesson")
    if lesson:
        lesson["objectives"] = [f"{o} {IMAGE_HTTP}" for o in lesson["objectives"]]
        lesson["student_briefing"] = paragraph("Students.", *MARKUP)
        lesson["debrief"] = {k: f"{v} {SCRIPT} {IMAGE_RELATIVE}"
                             for k, v in lesson["debrief"].items()}
        for step in lesson.get("teacher_notes", []):
            step["activity"] = f"{step['activity']} {IMG_ONERROR}"
        for choice in lesson.get("choices", []):
            choice["label"] = f"{choice['label']} {IMAGE_HTTPS}"
    return data


def hostile_scenario_text(path: Path, names: bool = True) -> str:
    return yaml.safe_dump(hostile_scenario_data(path, names=names), allow_unicode=True,
                          sort_keys=False)


def with_control_characters(scenario):
    """A loaded scenario with terminal attacks and formula prefixes in its actor names and
    inject texts (built from the model, so that whatever the loader refuses, the outputs are
    tested on their own)."""
    actors = [a.model_copy(update={"name": f"{FORMULAS[i % len(FORMULAS)]} "
                                           f"{CONTROL[i % len(CONTROL)]} {a.name}"})
              for i, a in enumerate(scenario.actors)]
    injects = [i.model_copy(update={"text": f"{FORMULAS[n % len(FORMULAS)]}\n"
                                            + " ".join(CONTROL) + f" {i.text}"})
               for n, i in enumerate(scenario.injects)]
    return scenario.model_copy(update={"actors": actors, "injects": injects,
                                       "title": f"{ANSI_COLOUR} {BIDI} title"})


# --- what a Markdown viewer would make of it -----------------------------------------------------


# GitHub-flavored Markdown's literal autolinks, which remark-gfm (Streamlit) and cmark-gfm
# (GitHub) find in the text once escapes are resolved: a backslash does not stop them
GFM_AUTOLINK = re.compile(r"(?i)(https?://|www\.)[-\w]|[-.\w+]@[-\w]+(\.[-\w]+)+")


def markdown_check(text: str, allowed_images: tuple[str, ...] = ()) -> list[str]:
    """Everything that could fetch or link in ``text`` rendered as Markdown: images (but those
    whose source starts with one of ``allowed_images``), links, raw HTML, and the text that
    GitHub-flavored Markdown would make a link (``GFM_AUTOLINK``)."""
    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark", {"html": True, "linkify": True}).enable(
        ["table", "strikethrough", "linkify"])
    md.linkify.set({"fuzzy_link": False})
    md.validateLink = lambda url: True  # a viewer that follows javascript: links too
    found = []

    def walk(tokens):
        for t in tokens:
            if t.type == "text" and GFM_AUTOLINK.search(t.content):  # resolved text
                found.append(f"autolink {GFM_AUTOLINK.search(t.content).group()}")
            if t.type == "image" and not str(t.attrGet("src")).startswith(allowed_images):
                found.append(f"image {t.attrGet('src')}")
            elif t.type == "link_open":
                found.append(f"link {t.attrGet('href')}")
            elif t.type in ("html_block", "html_inline"):
                found.append(f"html {t.content.strip()}")
            if t.children:
                walk(t.children)

    walk(md.parse(text))
    return found


# --- what a browser would make of an HTML page ---------------------------------------------------


class _Tags(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.scripts: list[tuple[dict, str]] = []
        self._script: dict | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.tags.append((tag, attrs))
        self._script = attrs if tag == "script" else None

    def handle_data(self, data):
        if self._script is not None:
            self.scripts.append((self._script, data))

    def handle_endtag(self, tag):
        self._script = None


def html_check(page: str, scripts: int = 2) -> list[str]:
    """What in ``page`` (one of Brink's HTML reports) could have come from user text: an
    embedding tag, an event handler, a link off the page, a script beyond Brink's own
    ``scripts`` (the Vega bundle and the embedding code), a chart spec that could close its
    element, a hostile tag as written."""
    parser = _Tags()
    parser.feed(page)
    found = [f"tag {t}" for t, _ in parser.tags
             if t in ("img", "svg", "iframe", "object", "embed", "link", "base", "form")]
    found += [f"handler {t} {name}" for t, a in parser.tags for name in a
              if name.startswith("on")]
    found += [f"link {a.get('href')}" for t, a in parser.tags
              if t == "a" and not str(a.get("href", "")).startswith("#")]
    code = [a for t, a in parser.tags if t == "script" and a.get("type") != "application/json"]
    if len(code) != scripts:
        found.append(f"{len(code)} scripts")
    found += [f"spec {data[:40]}" for attrs, data in parser.scripts
              if attrs.get("type") == "application/json" and "<" in data]
    found += [f"raw {raw}" for raw in (SCRIPT, IMG_ONERROR, SVG_ONLOAD) if raw in page]
    return found
