"""The ``szpub`` command: parses arguments, calls the operations, prints their results (the only printing code).

May import every package but ``szpub.sphinx_ext``: what runs inside Sphinx runs in a sphinx-build child.
"""
