"""``szpub ingest``: a plain-text release read (``release``), its figures found (``figures``), its
paragraphs placed in sections (``sections``) and the publication written (``publication``).

May import ``szpub.core`` and ``szpub.catalogs`` (to write the first catalogs); never ``szpub.sphinx_ext``.
"""
