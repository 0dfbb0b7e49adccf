"""Builds every target (language and format) of a publication in parallel and publishes them atomically."""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import functools
import hashlib
import importlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

from szpub.build import pdf as latex
from szpub.build import runner, swap
from szpub.catalogs.compiled import refresh_catalogs
from szpub.core import l10n
from szpub.core.errors import SzpubError
from szpub.core.project import Project, pdf_stem

FORMATS = ("html", "pdf")
STATE_DIR = ".szpub"  # under _build/: one stamp per target whose last run succeeded
PUBLISHED = "published.json"  # in STATE_DIR: the stamps of the outputs that _build/site holds
DIE_AT_ENV = "SZPUB_TEST_DIE_AT"  # tests: the process kills itself (SIGKILL) at this point of the build
_TOOLS = ("sphinx", "myst-parser", "docutils", "babel", "szpub")
_REPORT_LINES = 10
_COLOUR_FORCERS = ("FORCE_COLOR", "FORCE_COLOUR")  # CI runners set them; Sphinx then colours even a pipe
_SPHINX_PROBLEM = re.compile(r"\b(WARNING|ERROR|CRITICAL|SEVERE)\b|Exception|Error:")


@dataclass(frozen=True)
class BuildTarget:
    """One language in one format; a draft shows untranslated messages in the source language, marked."""

    language: str
    format: str
    draft: bool = False

    @property
    def name(self) -> str:
        return f"{self.language}/{self.format}"

    @property
    def key(self) -> str:
        return f"{self.format}-{self.language}"

    @property
    def folder(self) -> str:
        return l10n.folder_name(self.language)


@dataclass
class TargetResult:
    """How one target went: ``built``, ``up to date`` (nothing to do) or ``failed`` (``errors`` says why)."""

    target: BuildTarget
    status: str
    seconds: float = 0.0
    errors: list[str] = field(default_factory=list)
    output: str = ""
    pdf_reused: bool = False  # the .tex was unchanged, so latexmk did not run

    @property
    def ok(self) -> bool:
        return self.status != "failed"


@dataclass
class BuildResult:
    results: list[TargetResult] = field(default_factory=list)
    published: Path | None = None  # the site folder swapped in, None when nothing was published

    @property
    def ok(self) -> bool:
        return all(result.ok for result in self.results)

    @property
    def failed(self) -> list[TargetResult]:
        return [result for result in self.results if not result.ok]


@dataclass(frozen=True)
class TargetEvent:
    """A change of a target's state, for progress displays: queued, building, or its result."""

    target: BuildTarget
    state: str
    result: TargetResult | None = None


Listener = Callable[[TargetEvent], None]


def plan(
    project: Project, languages: list[str] | None = None, formats: list[str] | None = None, draft: bool = False
) -> list[BuildTarget]:
    """The targets to build, languages in configuration order; SzpubError for an unknown language."""
    by_folder = {l10n.folder_name(lang): lang for lang in project.languages}  # zh_CN, zh-CN and zh-cn alike
    chosen = [by_folder.get(l10n.folder_name(lang), lang) for lang in languages or project.languages]
    unknown = [lang for lang in chosen if lang not in project.languages]
    if unknown:
        raise SzpubError(
            f"not a configured language: {', '.join(unknown)} (configured: {', '.join(project.languages)})"
        )
    return [BuildTarget(lang, fmt, draft) for lang in chosen for fmt in (formats or FORMATS)]


def build(
    project: Project,
    targets: list[BuildTarget],
    jobs: int = 0,
    listener: Listener | None = None,
    on_wait: Callable[[int | None], None] | None = None,
) -> BuildResult:
    """Builds the targets in parallel processes and, only if all succeed, publishes the site in one swap.

    One build at a time per publication: a second one waits for the first (``on_wait`` is told the pid
    of the build it waits for).
    """
    with build_lock(project, on_wait):
        return build_locked(project, targets, jobs, listener)


@contextlib.contextmanager
def build_lock(project: Project, on_wait: Callable[[int | None], None] | None = None) -> Iterator[None]:
    """An exclusive ``flock`` on ``_build/.szpub/lock``, released by the kernel even if the process is killed."""
    path = project.build_dir / STATE_DIR / "lock"
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a+") as file:
        try:
            fcntl.flock(file, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if on_wait is not None:
                file.seek(0)
                holder = file.read().strip()
                on_wait(int(holder) if holder.isdigit() else None)
            fcntl.flock(file, fcntl.LOCK_EX)
        file.truncate(0)
        file.write(f"{os.getpid()}\n")
        file.flush()
        try:
            yield
        finally:
            file.truncate(0)
            fcntl.flock(file, fcntl.LOCK_UN)


def build_locked(
    project: Project, targets: list[BuildTarget], jobs: int = 0, listener: Listener | None = None
) -> BuildResult:
    """``build`` for a caller that holds ``build_lock`` already (``szpub build``: its checks run under it too)."""
    notify = _serialized(listener)
    compile_catalogs(project, sorted({target.language for target in targets}))
    # longest first (PDF, then translated languages) so that the last one to finish is a short one
    order = sorted(targets, key=lambda t: (t.format != "pdf", t.language == project.source_language))
    for target in order:
        notify(TargetEvent(target, "queued"))
    pool = ThreadPoolExecutor(max_workers=jobs or os.cpu_count() or 1)
    try:
        done = dict(zip(order, pool.map(lambda t: _run_notified(project, t, notify), order), strict=True))
    finally:  # Ctrl-C: the targets under way stop with their children, the queued ones never start
        pool.shutdown(wait=True, cancel_futures=True)
    result = BuildResult([done[target] for target in targets])
    if result.ok and (_published_stamps(project) != _current_stamps(project) or not project.site.is_dir()):
        result.published = publish(project)
    return result


def _current_stamps(project: Project) -> dict[str, str]:
    """Every target's last successful build (its fingerprint), the ones that publishing would include."""
    stamps = {}
    for language in project.languages:
        for fmt in FORMATS:
            target = BuildTarget(language, fmt)
            fingerprint = _read_stamp(_stamp(project, target)).get("fingerprint")
            if fingerprint:
                stamps[target.key] = fingerprint
    return stamps


def _published_stamps(project: Project) -> dict[str, str] | None:
    """What the site in ``_build/site`` was assembled from; None when not known (a publish was interrupted)."""
    record = _read_stamp(project.build_dir / STATE_DIR / PUBLISHED)
    return record.get("stamps") if record.get("site") == _site_folder(project) else None


def _site_folder(project: Project) -> str | None:
    return swap.site_id(project.site)


def _die_at(point: str) -> None:
    """For the tests of interrupted builds: SIGKILL, as a power cut or the OOM killer would."""
    if os.environ.get(DIE_AT_ENV) == point:
        os.kill(os.getpid(), signal.SIGKILL)


def _serialized(listener: Listener | None) -> Listener:
    lock = threading.Lock()

    def notify(event: TargetEvent) -> None:
        if listener is not None:
            with lock:
                listener(event)

    return notify


def _run_notified(project: Project, target: BuildTarget, notify: Listener) -> TargetResult:
    notify(TargetEvent(target, "building"))
    result = run_target(project, target)
    if result.status == "built":
        _prefetch_publishing()  # now that a core is free, not while it would slow the targets
    notify(TargetEvent(target, result.status, result))
    return result


def run_target(project: Project, target: BuildTarget) -> TargetResult:
    """Builds one target unless its inputs are those of its last successful run."""
    started = time.monotonic()
    stamp = _stamp(project, target)
    recorded = _read_stamp(stamp)
    tools = tools_fingerprint()
    fingerprint = _fingerprint(project, target, tools)
    if _is_current(project, target, recorded, fingerprint):
        return TargetResult(target, "up to date")
    stamp.unlink(missing_ok=True)
    running = stamp.with_suffix(".running")
    if running.exists():
        # the last run of this target was killed: its environment or outputs may be half-written
        shutil.rmtree(_doctrees(project, target), ignore_errors=True)
        shutil.rmtree(_out_dir(project, target), ignore_errors=True)
    running.parent.mkdir(parents=True, exist_ok=True)
    running.touch()
    if recorded.get("tools") != tools:
        # Sphinx notices changed sources and templates, not changed extension code: read everything again
        shutil.rmtree(_doctrees(project, target), ignore_errors=True)
    documents = _documents(project)
    if set(recorded.get("documents", [])) - set(documents):
        # Sphinx never deletes the page of a removed source: start the output afresh so it is not published
        shutil.rmtree(_out_dir(project, target), ignore_errors=True)
    result = _run_pdf(project, target) if target.format == "pdf" else _run_html(project, target)
    result.seconds = time.monotonic() - started
    _die_at("target")
    if result.ok:
        seconds = round(result.seconds, 2)
        record = {"fingerprint": fingerprint, "tools": tools, "documents": documents, "seconds": seconds}
        _write_atomically(stamp, json.dumps(record) + "\n")
    else:
        # Sphinx records a document read with warnings as up to date: forget the environment so the
        # next run reads it again and reports the same problem instead of passing silently.
        shutil.rmtree(_doctrees(project, target), ignore_errors=True)
    running.unlink(missing_ok=True)
    return result


def out_of_date(project: Project, targets: list[BuildTarget]) -> list[BuildTarget]:
    """The targets whose inputs are not those of their last successful run: what ``build`` would build."""
    tools = tools_fingerprint()
    return [
        target
        for target in targets
        if not _is_current(project, target, _read_stamp(_stamp(project, target)), _fingerprint(project, target, tools))
    ]


def checks_passed(project: Project, language: str, release: bool) -> bool:
    """Whether the pre-build checks passed on exactly these inputs of ``language`` (``record_checks_passed``)."""
    recorded = _read_stamp(_checks_stamp(project, language)).get("fingerprint")
    return recorded == _checks_fingerprint(project, language, release)


def record_checks_passed(project: Project, languages: list[str], release: bool) -> None:
    for language in languages:
        stamp = _checks_stamp(project, language)
        stamp.parent.mkdir(parents=True, exist_ok=True)
        _write_atomically(stamp, json.dumps({"fingerprint": _checks_fingerprint(project, language, release)}) + "\n")


def _checks_stamp(project: Project, language: str) -> Path:
    return project.build_dir / STATE_DIR / f"checks-{language}.json"


def _checks_fingerprint(project: Project, language: str, release: bool) -> str:
    """What the checks of a language read: conf.py, docs/, its catalogs, the glossaries beside them, szpub."""
    digest = hashlib.sha256(f"checks\0{language}\0{release}\0{tools_fingerprint()}\0".encode())
    shared = [path for path in sorted(project.locales.glob("*")) if path.is_file()]  # glossary.csv, terms-*.csv
    catalogs = [path for path in files_under(project.locales / language) if path.suffix != ".mo"]
    _hash_files(digest, project.root, [project.root / "conf.py", *files_under(project.docs), *shared, *catalogs])
    return digest.hexdigest()


def _is_current(project: Project, target: BuildTarget, recorded: dict[str, Any], fingerprint: str) -> bool:
    return recorded.get("fingerprint") == fingerprint and _output(project, target).is_file()


def _write_atomically(path: Path, text: str) -> None:
    partial = path.with_name(f".{path.name}.{os.getpid()}.partial")
    partial.write_text(text)
    partial.replace(path)


@functools.cache
def _prefetch_publishing() -> threading.Thread:
    """Imports what publishing needs (Sphinx, through the site root) while the last targets build, not after."""
    thread = threading.Thread(target=importlib.import_module, args=("szpub.build.siteroot",), name="szpub-prefetch")
    thread.start()
    return thread


def _documents(project: Project) -> list[str]:
    """The publication's source documents, as paths relative to ``docs/``."""
    return [str(path.relative_to(project.docs)) for path in files_under(project.docs) if path.suffix in {".md", ".rst"}]


def _run_html(project: Project, target: BuildTarget) -> TargetResult:
    proc = _sphinx(project, target, "html")
    output = (proc.stdout + proc.stderr).strip()
    if proc.returncode:
        return TargetResult(target, "failed", errors=_sphinx_errors(output, project.root), output=output)
    return TargetResult(target, "built", output=output)


def _run_pdf(project: Project, target: BuildTarget) -> TargetResult:
    proc = _sphinx(project, target, "latex")
    output = (proc.stdout + proc.stderr).strip()
    if proc.returncode:
        return TargetResult(target, "failed", errors=_sphinx_errors(output, project.root), output=output)
    latex_dir = _out_dir(project, target)
    pdf = _output(project, target)
    tex_hash = latex.inputs_hash(latex_dir)
    recorded = _stamp(project, target).with_suffix(".tex.sha256")
    if pdf.is_file() and recorded.is_file() and recorded.read_text() == tex_hash:
        return TargetResult(target, "built", output=output, pdf_reused=True)
    recorded.unlink(missing_ok=True)
    proc = latex.make_pdf(pdf, _environment(project))
    output = "\n".join(filter(None, [output, (proc.stdout + proc.stderr).strip()]))
    if proc.returncode or not pdf.is_file():
        pdf.unlink(missing_ok=True)  # a half-written PDF must never be published
        return TargetResult(target, "failed", errors=latex.first_error(pdf.with_suffix(".log"), output), output=output)
    recorded.parent.mkdir(parents=True, exist_ok=True)
    recorded.write_text(tex_hash)
    return TargetResult(target, "built", output=output)


def _sphinx(project: Project, target: BuildTarget, builder: str) -> subprocess.CompletedProcess[str]:
    """sphinx-build for one target, in a warm child (``runner``), the Chinese search dictionary cached."""
    argv = [
        "-b", builder, str(project.docs), str(_out_dir(project, target)), "-c", str(project.root),
        "-D", f"language={target.language}", "-d", str(_doctrees(project, target)), "-W", "--keep-going", "-q",
    ]  # fmt: skip
    if target.draft:
        argv += ["-D", "szpub_draft=1"]
    return runner.run_sphinx(argv, _environment(project))


def _environment(project: Project) -> dict[str, str]:
    """The environment of every tool run: fixed hash seed and dates, so that builds are reproducible."""
    env = {
        **{name: value for name, value in os.environ.items() if name not in _COLOUR_FORCERS},
        "NO_COLOR": "1",  # the output is read here and reported as file:line, never shown as is
        "PYTHONHASHSEED": "0",
        "FORCE_SOURCE_DATE": "1",  # TeX takes \today and the PDF dates from SOURCE_DATE_EPOCH
        "LATEXMKOPTS": "-quiet",
        "LATEXOPTS": latex.LATEXOPTS,
    }
    epoch = source_date_epoch(project)
    if epoch is not None:
        env["SOURCE_DATE_EPOCH"] = str(epoch)
    return env


def source_date_epoch(project: Project) -> int | None:
    """The release's date as seconds since 1970 (the build date of every output), None when not configured."""
    try:
        updated = dt.datetime.fromisoformat(project.updated)
    except ValueError:
        return None
    if updated.tzinfo is None:
        updated = updated.replace(tzinfo=dt.UTC)
    return int(updated.timestamp())


def _out_dir(project: Project, target: BuildTarget) -> Path:
    if target.format == "pdf":
        return project.build_dir / "pdf" / target.folder / "latex"
    return project.build_dir / "html" / target.folder


def _output(project: Project, target: BuildTarget) -> Path:
    if target.format == "pdf":
        return _out_dir(project, target) / f"{pdf_stem(project.slug, target.language)}.pdf"
    return _out_dir(project, target) / "index.html"


def _doctrees(project: Project, target: BuildTarget) -> Path:
    return project.build_dir / "doctrees" / target.key


def _stamp(project: Project, target: BuildTarget) -> Path:
    return project.build_dir / STATE_DIR / f"{target.key}.json"


def _read_stamp(stamp: Path) -> dict[str, Any]:
    try:
        record = json.loads(stamp.read_text())
    except (OSError, ValueError):
        return {}
    return record if isinstance(record, dict) else {}


@functools.cache
def tools_fingerprint() -> str:
    """A hash of what builds every target: Python, Sphinx and friends, szpub's own code and theme."""
    digest = hashlib.sha256(repr((sys.version, [_version(tool) for tool in _TOOLS])).encode())
    package = Path(__file__).parent.parent  # the whole szpub package
    _hash_files(digest, package, [p for p in files_under(package) if p.suffix != ".pyc"])
    return digest.hexdigest()


def _fingerprint(project: Project, target: BuildTarget, tools: str) -> str:
    """A hash of everything a target is made from: the tools, conf.py, the sources, its catalogs."""
    # a draft's pages carry its mark: a release build is another build
    digest = hashlib.sha256(f"{target.key}\0{tools}\0{target.draft}\0".encode())
    _hash_files(digest, project.root, [project.root / "conf.py", *files_under(project.docs)])
    catalogs = files_under(project.locales / target.language)
    source = l10n.word_source(target.language)
    if source and target.format == "html":  # its search index learns the words of these catalogs
        catalogs += files_under(project.locales / source)
    _hash_files(digest, project.root, [p for p in catalogs if p.suffix != ".mo"])
    return digest.hexdigest()


def _hash_files(digest: Any, base: Path, paths: list[Path]) -> None:
    for path in paths:
        digest.update(f"{path.relative_to(base)}\0".encode())
        digest.update(hashlib.sha256(path.read_bytes()).digest())


def _version(distribution: str) -> str:
    try:
        return version(distribution)
    except PackageNotFoundError:
        return ""


def files_under(folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    # hidden files are editors' and tools' scratch files, never an input
    return sorted(
        p
        for p in folder.rglob("*")
        if p.is_file()
        and "__pycache__" not in p.parts
        and not any(part.startswith(".") for part in p.relative_to(folder).parts)
    )


def compile_catalogs(project: Project, languages: list[str]) -> list[Path]:
    """Makes every .mo of these languages the compilation of its current .po, once, before the targets start.

    By content, not by date (a restored .mo newer than its .po is replaced), and before the targets so
    that two of one language never write the same .mo while the other reads it.
    """
    use_fuzzy = bool(project.conf.get("gettext_allow_fuzzy_translations"))
    written = []
    for language in languages:
        for locales in project.locale_dirs or (project.locales,):
            written += refresh_catalogs(locales / language / "LC_MESSAGES", language, use_fuzzy=use_fuzzy)
    return written


def _sphinx_errors(output: str, root: Path) -> list[str]:
    """Sphinx's own file:line warnings and errors, paths relative to the publication."""
    lines = [line.replace(f"{root}{os.sep}", "") for line in output.splitlines() if line.strip()]
    problems = [line for line in lines if _SPHINX_PROBLEM.search(line)]
    return (problems or lines)[:_REPORT_LINES]


def publish(project: Project) -> Path:
    """Assembles the built outputs into a fresh ``_build/site-<id>`` and exchanges it with ``_build/site``.

    ``_build/site`` is a real folder (``cp -r`` copies it), swapped in one ``renameat2(RENAME_EXCHANGE)``
    (``build.swap``): readers see the old site or the new one, never a mixture, and a failure before
    the swap leaves the old one untouched.
    """
    staging = project.build_dir / f"site-{uuid.uuid4().hex[:12]}"
    staging.mkdir(parents=True)
    stamps = _current_stamps(project)  # read before assembling: what the new site is made of
    try:
        _assemble(project, staging)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    _die_at("publish")
    swap.swap_in(project.site, staging)  # staging's name now holds the previous site
    _die_at("swap")
    # only now, after the swap: a build killed before this line publishes again next time
    record = {"site": _site_folder(project), "stamps": stamps}
    _write_atomically(project.build_dir / STATE_DIR / PUBLISHED, json.dumps(record) + "\n")
    _remove_old_sites(project.build_dir)
    return project.site


def _assemble(project: Project, staging: Path) -> None:
    """Copies every successfully built output into ``staging`` and writes the manifest."""
    languages: list[dict[str, str | list[str] | None]] = []
    manifest = {"title": project.title, "languages": languages}
    for language in project.languages:
        folder = l10n.folder_name(language)
        html_target, pdf_target = BuildTarget(language, "html"), BuildTarget(language, "pdf")
        html = _out_dir(project, html_target)
        pdf = _output(project, pdf_target)
        entry: dict[str, str | list[str] | None] = {
            "tag": l10n.bcp47(language),
            "language": language,
            "html": None,
            "pdf": None,
        }
        if html.is_dir() and _stamp(project, html_target).is_file():
            shutil.copytree(html, staging / folder, ignore=shutil.ignore_patterns(".buildinfo", ".doctrees"))
            entry["html"] = f"{folder}/index.html"
            entry["data"] = sorted(f"{folder}/{path.name}" for path in html.glob(f"{project.slug}-figures-*"))
        if pdf.is_file() and _stamp(project, pdf_target).is_file():
            (staging / folder).mkdir(exist_ok=True)
            shutil.copy2(pdf, staging / folder / pdf.name)
            entry["pdf"] = f"{folder}/{pdf.name}"
        if entry["html"] or entry["pdf"]:
            languages.append(entry)
    (staging / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    from szpub.build.siteroot import write_root

    write_root(project, staging)  # index.html choosing the reader's language, sitemap.xml


def languages_without_pdf(project: Project) -> list[str]:
    """The published languages whose pages link a PDF that the site does not have."""
    manifest = json.loads((project.site / "manifest.json").read_text(encoding="utf-8"))
    return [entry["tag"] for entry in manifest["languages"] if entry["html"] and not entry["pdf"]]


def _remove_old_sites(build_dir: Path) -> None:
    """Previous sites and killed builds' staging folders (and an older szpub's ``site`` link, now swapped out)."""
    for old in build_dir.glob("site-*"):
        if old.is_symlink():
            old.unlink()
        elif old.is_dir():
            shutil.rmtree(old, ignore_errors=True)
