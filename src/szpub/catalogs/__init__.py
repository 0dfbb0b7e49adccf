"""The translators' tools, run in the ``szpub`` process: .po reading and writing, update, stat, check.

May import ``szpub.core``, Babel and MyST's Markdown parser; never ``szpub.sphinx_ext`` or Sphinx's
builders (messages are extracted by running sphinx-build's gettext builder in a child process).
"""
