"""Telling what happened: the facilitator's "why?" and the chains of causes (``explain``), the
classroom's plain sentences, captions and glossary (``plain``), printable handouts
(``handout``), user text made harmless for each output (``safe_text``) and the generated
tables of docs/reference/model.md (``docgen``)."""
