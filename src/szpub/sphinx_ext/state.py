"""What szpub learns while reading documents, kept in a Domain so that ``sphinx-build -j N`` merges it.

Under parallel reads each worker process reads some documents into its own copy of the environment;
Sphinx merges back only domain data and what ``env-merge-info`` handlers copy, so a plain ``env``
attribute set while reading is lost (the appendix then kept the old figures). ``clear_doc`` forgets a
document that is read again or removed, ``merge_domaindata`` takes a worker's documents: the same
pattern as ``sphinx.ext.duration``.
"""

from __future__ import annotations

from collections.abc import Set
from typing import TYPE_CHECKING, Any

from sphinx.domains import Domain

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.environment import BuildEnvironment


class DocumentState(Domain):
    """Per document: the figures it cites, whether it holds the appendix, whether a translation was unsafe."""

    name = "szpub"
    label = "szpub"
    initial_data = {  # noqa: RUF012  # copied into each environment by Domain
        "citations": {},  # docname -> ids of the figures it cites
        "appendix": set(),  # the document(s) with the figures-appendix directive
        "unsafe": set(),  # documents whose translation brought raw HTML in
    }

    @property
    def citations(self) -> dict[str, set[str]]:
        return self.data["citations"]

    @property
    def appendix(self) -> set[str]:
        return self.data["appendix"]

    @property
    def unsafe(self) -> set[str]:
        return self.data["unsafe"]

    def clear_doc(self, docname: str) -> None:
        self.citations.pop(docname, None)
        self.appendix.discard(docname)
        self.unsafe.discard(docname)

    def merge_domaindata(self, docnames: Set[str], otherdata: dict[str, Any]) -> None:
        for docname in docnames:
            if docname in otherdata["citations"]:
                self.citations[docname] = set(otherdata["citations"][docname])
        self.appendix.update(otherdata["appendix"] & set(docnames))
        self.unsafe.update(otherdata["unsafe"] & set(docnames))

    def resolve_any_xref(self, *args: Any, **kwargs: Any) -> list[Any]:
        return []  # no cross-references of its own (the base class raises for the {any} role)


def state(env: BuildEnvironment) -> DocumentState:
    return env.get_domain(DocumentState.name)  # type: ignore[return-value]


def setup_state(app: Sphinx) -> None:
    app.add_domain(DocumentState)
