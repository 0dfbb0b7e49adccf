"""The article: the root page holds the whole release (its toctree inlined); section pages send readers to it."""

from __future__ import annotations

import posixpath
from typing import TYPE_CHECKING, Any

from docutils import nodes
from sphinx import addnodes

from szpub.core import l10n
from szpub.core.urls import normalize_base_url

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.environment import BuildEnvironment

MOVED_TEMPLATE = "szpub-moved.html"


def article_parts(env: BuildEnvironment) -> list[str]:
    """The documents the root's toctrees list, in reading order: the parts of the article.

    Only the root's own entries: a part's toctree stays a list of links (no release nests its sections).
    """
    root = env.config.root_doc
    return [doc for doc in env.toctree_includes.get(root, []) if doc != root]


def _assembles(app: Sphinx) -> bool:
    """The html builder only: singlehtml inlines on its own, LaTeX assembles one document already."""
    return app.builder.name == "html"


def on_doctree_resolved(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    if not _assembles(app) or docname != app.config.root_doc:
        return
    parts = article_parts(app.env)
    for toctree in list(doctree.findall(addnodes.toctree)):
        inlined: list[nodes.Node] = []
        for part in toctree["includefiles"]:
            if part in parts:
                inlined += _part(app, str(part), parts)
        wrapper = toctree.parent
        if isinstance(wrapper, nodes.compound) and "toctree-wrapper" in wrapper["classes"] and len(wrapper) == 1:
            toctree = wrapper
        # parent.replace, not replace_self: that would give the first part the wrapper's classes and ids
        toctree.parent.replace(toctree, inlined)
    _relink(doctree, docname, parts, app.config.root_doc)


def _part(app: Sphinx, docname: str, parts: list[str]) -> list[nodes.Node]:
    """One part's resolved nodes (its own doctree-resolved handlers ran: charts, citations), anchored at its name."""
    tree = app.env.get_and_resolve_doctree(docname, app.builder, tags=app.builder.tags)
    sections = [child for child in tree.children if isinstance(child, nodes.section)]
    if sections:
        sections[0]["ids"].insert(0, docname)  # the first id is the section's own: <section id="talent">
    else:
        tree.children.insert(0, nodes.target("", "", ids=[docname]))
    _relink(tree, docname, parts, app.config.root_doc)
    return list(tree.children)


def _relink(tree: nodes.Node, docname: str, parts: list[str], root: str) -> None:
    """Links to a part (or into one, or into the root) become in-page anchors: they all live on the root page."""
    for reference in tree.findall(nodes.reference):
        uri = reference.get("refuri", "")
        path, _, fragment = uri.partition("#")
        if not path.endswith(".html") or "://" in path or path.startswith("/"):
            continue
        target = posixpath.normpath(posixpath.join(posixpath.dirname(docname), path))[: -len(".html")]
        if target in parts:
            reference["refuri"] = "#" + (fragment or target)
        elif target == root and fragment:
            reference["refuri"] = "#" + fragment


def contents(app: Sphinx, pagename: str, pathto: Any) -> list[tuple[str, str]]:
    """The article's parts as (title, link): in-page anchors on the article, links into it elsewhere."""
    if not _assembles(app):
        return []
    root = app.config.root_doc
    page = "" if pagename == root else pathto(root)
    titles = app.env.titles
    return [(titles[part].astext(), f"{page}#{part}") for part in article_parts(app.env) if part in titles]


def article_url(app: Sphinx, pathto: Any) -> str:
    """The article's address: absolute under ``szpub_base_url``, else relative to the current page."""
    base_url = normalize_base_url(app.config.szpub_base_url)
    root = app.config.root_doc
    if base_url:
        return f"{base_url}{l10n.folder_name(app.config.language)}/{root}.html"
    return str(pathto(root))


def on_html_page_context(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> str | None:
    if not _assembles(app):
        return None
    pathto = context["pathto"]
    context["szpub_contents"] = contents(app, pagename, pathto)
    if pagename not in article_parts(app.env):
        return None
    context["szpub_moved_to"] = f"{pathto(app.config.root_doc)}#{pagename}"
    context["szpub_canonical"] = article_url(app, pathto)
    return MOVED_TEMPLATE


def on_env_get_outdated(
    app: Sphinx, env: BuildEnvironment, added: set[str], changed: set[str], removed: set[str]
) -> list[str]:
    """A changed part changes the article: the root page is read (and so written) again."""
    return [env.config.root_doc] if set(article_parts(env)) & (added | changed | removed) else []


def on_env_check_consistency(app: Sphinx, env: BuildEnvironment) -> None:
    # search finds the parts' words on the article (the root page is indexed with them), never on a short page
    if _assembles(app):
        for part in article_parts(env):
            env.metadata.setdefault(part, {})["nosearch"] = True


def setup_article(app: Sphinx) -> None:
    app.connect("doctree-resolved", on_doctree_resolved, priority=900)  # after every other handler of the root
    app.connect("html-page-context", on_html_page_context, priority=600)  # after site.py's context
    app.connect("env-get-outdated", on_env_get_outdated)
    app.connect("env-check-consistency", on_env_check_consistency)
