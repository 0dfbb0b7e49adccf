"""The PDF step of a build: from Sphinx's LaTeX output to the PDF, as few XeLaTeX passes as will do."""

from __future__ import annotations

import hashlib
import os
import re
import subprocess
from pathlib import Path

# Passed by Sphinx's Makefile and latexmkrc to every xelatex run ($pdflatex = 'xelatex ' . $ENV{'LATEXOPTS'} …) and
# by _xelatex. TeX Live's default is restricted shell escape (shell_escape = p): off entirely, whatever texmf.cnf says.
LATEXOPTS = "-halt-on-error -interaction=nonstopmode -no-shell-escape"
# what latexmk writes next to the .tex: never an input of the PDF
_OUTPUTS = frozenset(
    {".aux", ".log", ".pdf", ".toc", ".out", ".idx", ".ind", ".ilg", ".fls", ".fdb_latexmk", ".xdv", ".gz", ".tmp"}
)
# the files another pass would read back, and what LaTeX writes when it wants one
_CROSS_REFERENCES = (".aux", ".toc", ".out", ".idx")
_RERUN = re.compile(r"Rerun to get|Please rerun|rerun LaTeX", re.IGNORECASE)
_REPORT_LINES = 10
_MAX_PASSES = 5  # then latexmk decides (a document whose references never settle)


def inputs_hash(latex_dir: Path) -> str:
    """A hash of what the LaTeX builder wrote (the .tex, styles, images), not of what latexmk writes."""
    digest = hashlib.sha256()
    for path in sorted(p for p in latex_dir.rglob("*") if p.is_file()):
        if path.suffix not in _OUTPUTS and not path.name.startswith(("__", ".")):
            digest.update(f"{path.relative_to(latex_dir)}\0".encode())
            digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def make_pdf(pdf: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """Runs XeLaTeX on the .tex beside ``pdf`` until the cross-reference files stay the same.

    Compared by content after each pass: a first build takes two passes, a small change one. latexmk
    compares a file's checksum only when its time (whole seconds) or size changed, so it misses a pass
    that rewrites a same-size .aux with other page numbers within the same second, and needed one more
    pass after it to be sure (three on a first build). It still runs when the document has index
    entries, which need xindy between passes as Sphinx's latexmkrc sets it up.
    """
    runs: list[subprocess.CompletedProcess[str]] = []
    indexed = False
    for _ in range(_MAX_PASSES):
        before = _cross_references(pdf)  # the last build's after an edit, nothing on a first build
        runs.append(_xelatex(pdf, env))
        if runs[-1].returncode:
            break
        if _has_index_entries(pdf) and not indexed:
            runs.append(_latexmk(pdf.parent, env))
            indexed = True
            if runs[-1].returncode:
                break
            continue  # and one pass more, to see that latexmk's last pass changed nothing
        log = pdf.with_suffix(".log").read_text(encoding="utf-8", errors="replace")
        if _cross_references(pdf) == before and not _RERUN.search(log) and pdf.is_file():
            return _joined(runs)
    else:  # references that never settle: latexmk decides (and fails the build if they still do not)
        runs.append(_latexmk(pdf.parent, env))
    return _joined(runs)


def _cross_references(pdf: Path) -> list[bytes | None]:
    """What the next pass reads back of this one (.aux, .toc, .out, .idx), None for a file not written."""
    paths = [pdf.with_suffix(suffix) for suffix in _CROSS_REFERENCES]
    return [path.read_bytes() if path.is_file() else None for path in paths]


def _has_index_entries(pdf: Path) -> bool:
    index = pdf.with_suffix(".idx")
    return index.is_file() and index.stat().st_size > 0


def _xelatex(pdf: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    # the command latexmk gives Sphinx's latexmkrc: xelatex $LATEXOPTS %O %S
    return _run(["xelatex", *LATEXOPTS.split(), "-recorder", pdf.with_suffix(".tex").name], pdf.parent, env)


def _joined(runs: list[subprocess.CompletedProcess[str]]) -> subprocess.CompletedProcess[str]:
    """The runs as one: the last one's command and exit status, everyone's output."""
    last = runs[-1]
    return subprocess.CompletedProcess(
        last.args, last.returncode, "".join(r.stdout for r in runs), "".join(r.stderr for r in runs)
    )


def _latexmk(latex_dir: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """Sphinx's own way: its Makefile runs latexmk, which runs XeLaTeX and xindy until nothing changes."""
    return _run([os.environ.get("MAKE", "make"), "-C", str(latex_dir), "all-pdf"], latex_dir, env)


def _run(command: list[str], cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        command,
        cwd=cwd,
        capture_output=True,
        text=True,
        errors="replace",
        env=env,
        stdin=subprocess.DEVNULL,
        check=False,
    )


def first_error(log: Path, output: str) -> list[str]:
    """The first error of a LaTeX log: its ``!`` line up to the ``l.N`` line that locates it.

    Without one (LaTeX did not start, say), the last lines of the tools' output.
    """
    try:
        lines = log.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        lines = []
    for index, line in enumerate(lines):
        if line.startswith("!"):
            block = [line]
            for follow in lines[index + 1 : index + _REPORT_LINES]:
                block.append(follow)
                if re.match(r"l\.\d+", follow):
                    break
            return [f"{log.name}:", *[b for b in block if b.strip()]]
    return [line for line in output.splitlines() if line.strip()][-_REPORT_LINES:]
