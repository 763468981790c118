"""``brink docs glossary`` and ``brink docs model``: the maintainers' generated reference pages.

``glossary`` prints docs/reference/glossary.md (engine/narrate/plain.py's glossary_markdown);
``model`` rewrites the generated tables of docs/reference/model.md (engine/narrate/docgen.py's
update_text), or with --check only says whether they are stale. Both render from the engine's
own data; tests/lessons/test_plain.py and tests/test_docs.py fail when a committed page is
stale.
"""

from __future__ import annotations

import sys
from pathlib import Path

from cli.status import EXIT_FAILED, write_page
from engine.batch.store import read_limited
from engine.core.errors import UsageError
from engine.narrate.docgen import MODEL_MD, SECTIONS, update_text
from engine.narrate.plain import glossary_markdown
from engine.narrate.safe_text import one_line

MAX_MODEL_DOC_BYTES = 16 << 20  # docs/reference/model.md is about 100 KB


def add_parsers(sub) -> None:
    docs = sub.add_parser(
        "docs", help="regenerate the generated reference pages (for maintainers)",
        description="Render the generated reference pages from the engine's own data, so the "
                    "documentation cannot drift from the code.")
    pages = docs.add_subparsers(dest="page", required=True, metavar="PAGE")
    glossary = pages.add_parser(
        "glossary", help="print docs/reference/glossary.md",
        description="Print the glossary page (engine/narrate/plain.py's GLOSSARY): "
                    "brink docs glossary > docs/reference/glossary.md")
    glossary.set_defaults(func=cmd_glossary)
    model = pages.add_parser(
        "model", help="rewrite the generated tables of docs/reference/model.md",
        description="Rewrite the generated tables of the model reference (parameters, move "
                    "catalogue, sanctions packages, support kinds, ladder, variables, ...): the "
                    "text between each <!-- BEGIN GENERATED: name --> and its "
                    "<!-- END GENERATED: name --> marker.")
    model.add_argument("file", nargs="?", type=Path,
                       help="the Markdown file to update (default: docs/reference/model.md of "
                            "this checkout)")
    model.add_argument("--check", action="store_true",
                       help="only report whether the file is stale (exit status 1 if it is)")
    model.set_defaults(func=cmd_model)


def cmd_glossary(args) -> int:
    sys.stdout.write(glossary_markdown())
    return 0


def cmd_model(args) -> int:
    path = args.file
    if path is None:
        if not MODEL_MD.is_file():
            raise UsageError(f"{MODEL_MD}: not found: docs/reference/model.md is part of a "
                             "Brink checkout, not of the installed package; give the path of "
                             "the file to update")
        path = MODEL_MD
    try:  # a FIFO or /dev/zero is refused before anything is read
        text = read_limited(path, MAX_MODEL_DOC_BYTES).decode("utf-8")
        new = update_text(text)
    except OSError as exc:
        raise UsageError(f"cannot read {path}: {exc.strerror or exc}") from None
    except ValueError as exc:  # not a small regular file, not UTF-8, or mangled markers
        raise UsageError(f"{path}: {exc}") from None
    name = one_line(path)
    if new == text:
        print(f"{name}: up to date ({len(SECTIONS)} generated sections)")
        return 0
    if args.check:
        again = "brink docs model" + ("" if args.file is None else f" {name}")
        print(f"{name}: stale; run `{again}` to rewrite it", file=sys.stderr)
        return EXIT_FAILED
    write_page(path, new)
    print(f"{name}: rewrote {len(SECTIONS)} generated sections")
    return 0
