"""The PDF step of a build: from Sphinx's LaTeX output to the PDF, as few XeLaTeX passes as will do."""

from __future__ import annotations

import hashlib
import os
import re
import subprocess
from pathlib import Path

# Passed by Sphinx's Makefile and latexmkrc to every xelatex run ($pdflatex = 'xelatex ' . $ENV{'LATEXOPTS'} …) and
# by _one_pass. TeX Live's default is restricted shell escape (shell_escape = p): off entirely, whatever texmf.cnf says.
LATEXOPTS = "-halt-on-error -interaction=nonstopmode -no-shell-escape"
# what latexmk writes next to the .tex: never an input of the PDF
_OUTPUTS = frozenset(
    {".aux", ".log", ".pdf", ".toc", ".out", ".idx", ".ind", ".ilg", ".fls", ".fdb_latexmk", ".xdv", ".gz", ".tmp"}
)
# the files another pass would read back, and what LaTeX writes when it wants one
_CROSS_REFERENCES = (".aux", ".toc", ".out", ".idx")
_RERUN = re.compile(r"Rerun to get|Please rerun|rerun LaTeX", re.IGNORECASE)
_REPORT_LINES = 10
_EXTRA_PASSES = 3


def inputs_hash(latex_dir: Path) -> str:
    """A hash of what the LaTeX builder wrote (the .tex, styles, images), not of what latexmk writes."""
    digest = hashlib.sha256()
    for path in sorted(p for p in latex_dir.rglob("*") if p.is_file()):
        if path.suffix not in _OUTPUTS and not path.name.startswith(("__", ".")):
            digest.update(f"{path.relative_to(latex_dir)}\0".encode())
            digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def make_pdf(pdf: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """Runs LaTeX on the .tex beside ``pdf``: one XeLaTeX pass when that suffices, latexmk otherwise.

    latexmk compares a file's checksum only when its time (whole seconds) or size changed: a pass that
    rewrites a same-size .toc with other page numbers within the same second goes unseen, and the PDF
    keeps the previous pass's page numbers, depending on timing. So after latexmk, passes go on here
    until the cross-reference files stay the same.
    """
    done = _one_pass(pdf, env)
    if done is not None:
        return done
    result = _latexmk(pdf.parent, env)
    for _ in range(_EXTRA_PASSES):
        if result.returncode:
            break
        done = _one_pass(pdf, env)
        if done is not None:
            return _joined(result, done)
    return result


def _joined(
    first: subprocess.CompletedProcess[str], then: subprocess.CompletedProcess[str]
) -> subprocess.CompletedProcess[str]:
    return subprocess.CompletedProcess(
        then.args, then.returncode, first.stdout + then.stdout, first.stderr + then.stderr
    )


def _latexmk(latex_dir: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """Sphinx's own way: its Makefile runs latexmk, which runs XeLaTeX (and xindy) until nothing changes."""
    return _run([os.environ.get("MAKE", "make"), "-C", str(latex_dir), "all-pdf"], latex_dir, env)


def _one_pass(pdf: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str] | None:
    """After a small change, one XeLaTeX pass is often all latexmk would run: try it without latexmk.

    Done (the result) when the pass failed, or when it left the cross-reference files as they were and
    asked for no rerun; None (run latexmk) otherwise, and on a first build.
    """
    references = [pdf.with_suffix(suffix) for suffix in _CROSS_REFERENCES]
    if not references[0].is_file():
        return None
    before = [path.read_bytes() if path.is_file() else None for path in references]
    # the command latexmk gives Sphinx's latexmkrc: xelatex $LATEXOPTS %O %S
    proc = _run(["xelatex", *LATEXOPTS.split(), "-recorder", pdf.with_suffix(".tex").name], pdf.parent, env)
    if proc.returncode:
        return proc
    after = [path.read_bytes() if path.is_file() else None for path in references]
    log = pdf.with_suffix(".log").read_text(encoding="utf-8", errors="replace")
    return proc if after == before and not _RERUN.search(log) and pdf.is_file() else None


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
