"""What every part of szpub shares, with no Sphinx or docutils import.

The publication on disk (``project``), its figures (``figures``), languages and locale-aware
formatting (``l10n``), the release's metadata (``release``), markup helpers (``markup``: the one
role pattern, the one CJK range), URLs of the published site (``urls``), the table of options and
warning types (``options``) and the error base class (``errors``). Imports nothing of szpub's
other packages: the CLI, the translators' tools, the build and Sphinx all build on it.
"""
