"""Scenario files: the schema (``schema``, pydantic), the loader that reads, bounds and checks
a file (``loader``), policy options (``levers``) and the schema's building blocks
(``spec_base``)."""
