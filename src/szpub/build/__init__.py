"""The build runner, run in the ``szpub`` process: plan, targets, stamps, publish, PDF passes, preview.

Each target is a sphinx-build child process (``runner``, forked warm); nothing here touches
``app.env``. May import ``szpub.core`` and ``szpub.catalogs``; never ``szpub.sphinx_ext`` or Sphinx's builders.
"""
