"""A plain-text release becomes a publication: conf.py, MyST sections, the figures file and catalogs."""

from __future__ import annotations

import dataclasses
import json
import os
import re
import shutil
import tempfile
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import yaml

from szpub.core import l10n, mdtext
from szpub.core.errors import SzpubError
from szpub.core.figures import FiguresError, load_figures
from szpub.ingest.figures import FoundFigure, find_figures
from szpub.ingest.release import IngestError, Paragraph, Release, fold, read_release
from szpub.ingest.sections import ALONE_TITLE, SectionMap, load_section_map

DEFAULT_LANGUAGES = ("zh_CN",)
SOURCE_LANGUAGE = "en"
INDEX, APPENDIX = "index", "appendix"
FIGURES_FILE = "figures.yaml"


# --- the plan: paragraphs to sections, figures to the data file ---------------------------------------------


@dataclass(frozen=True)
class Placement:
    """Where a paragraph goes, and why."""

    paragraph: Paragraph
    section: str
    reason: str


@dataclass(frozen=True)
class Plan:
    """Everything ``szpub ingest`` is about to write."""

    release: Release
    sections: SectionMap
    placements: tuple[Placement, ...]
    figures: tuple[FoundFigure, ...]
    languages: tuple[str, ...] = DEFAULT_LANGUAGES

    @property
    def facts(self) -> list[FoundFigure]:
        """The figures of the data file: one per id (a title may cite a figure of the prose)."""
        in_prose = {figure.id for figure in self.figures if figure.paragraph}
        return [figure for figure in self.figures if figure.paragraph or figure.id not in in_prose]

    def section_ids(self) -> list[str]:
        """The section pages in order of their first paragraph."""
        ids = [p.section for p in self.placements if p.section != INDEX]
        return list(dict.fromkeys(ids))


def assign_sections(paragraphs: tuple[Paragraph, ...], sections: SectionMap) -> list[Placement]:
    """The lede opens the index; every other paragraph goes to its best-matching section."""
    placements = [Placement(paragraphs[0], INDEX, "the lede (first paragraph) opens the index page")]
    for paragraph in paragraphs[1:]:
        topic = sections.best(paragraph.text)
        if topic.score >= sections.threshold:
            reason = f"matched {topic.describe()} (score {topic.score})"
            placements.append(Placement(paragraph, topic.section.id, reason))
        elif topic.score:
            reason = (f"best topic {topic.section.id} scores {topic.score} ({topic.describe()}), under the map's "
                      f"threshold {sections.threshold}: the fallback section")
            placements.append(Placement(paragraph, sections.fallback, reason))
        else:
            placements.append(Placement(paragraph, sections.fallback, "no keyword matched: the fallback section"))
    return placements


def plan_release(release: Release, sections: SectionMap, languages: tuple[str, ...] = DEFAULT_LANGUAGES) -> Plan:
    """Sections and figures of a release."""
    placements = assign_sections(release.paragraphs, sections)
    figures: list[FoundFigure] = []
    taken: set[str] = set()
    for placement in placements:
        for figure in find_figures(placement.paragraph, placement.section, release.updated, taken):
            figures.append(figure)
            taken.add(figure.id)
    return Plan(release, sections, tuple(placements), (*_title_figures(release, figures, taken), *figures), languages)


def _title_figures(release: Release, figures: list[FoundFigure], taken: set[str]) -> list[FoundFigure]:
    """A figure of the title cites the same figure of the prose ("grows 5.9%" … "grew 5.9%"), else its own."""
    cited = []
    for figure in find_figures(release.heading, INDEX, release.updated, taken):
        same = next((f for f in figures if (f.value, f.kind) == (figure.value, figure.kind)), None)
        cited.append(dataclasses.replace(figure, id=same.id) if same else figure)
    return cited


def prepare(release_path: Path, sections_path: Path | None = None, languages: list[str] | None = None) -> Plan:
    """Reads the release and the section map and plans the publication; IngestError on bad input."""
    release = read_release(release_path)
    sections = load_section_map(sections_path)
    # zh-CN as readers write it, zh_CN as Sphinx does
    targets = tuple(dict.fromkeys(language.replace("-", "_") for language in languages or DEFAULT_LANGUAGES))
    for language in targets:
        if language == SOURCE_LANGUAGE:
            raise IngestError(f"--lang: {language!r} is the source language; name the target languages")
        try:
            l10n.parse_locale(language)
        except SzpubError as err:
            raise IngestError(f"--lang: {err}") from None
    return plan_release(release, sections, targets)


def describe(plan: Plan) -> list[str]:
    """The plan as lines of text: each paragraph's page and why, then its figures."""
    release = plan.release
    lines = [f"{release.path}: {release.title!r} ({release.source}, {release.updated:%Y-%m-%d %H:%M})",
             f"sections from {plan.sections.path}"]
    for figure in (f for f in plan.figures if f.paragraph == 0):
        lines.append(f"title (line {release.title_line}): figure {figure.text!r} → {figure.id} = {figure.value}")
    for placement in plan.placements:
        paragraph = placement.paragraph
        preview = paragraph.text if len(paragraph.text) <= 60 else paragraph.text[:59] + "…"
        lines.append(f"¶{paragraph.number} (line {paragraph.line}) → {placement.section}: {placement.reason}")
        lines.append(f"    {preview}")
        for figure in (f for f in plan.figures if f.paragraph == paragraph.number):
            details = ", ".join(filter(None, [figure.kind, figure.qualifier, figure.unit and f"unit {figure.unit!r}",
                                              "words" if figure.words else "", figure.period]))
            lines.append(f"    figure {figure.text!r} → {figure.id} = {figure.value} ({details})")
    pages = ", ".join([INDEX, *plan.section_ids(), APPENDIX])
    lines.append(f"pages: {pages}; {len(plan.facts)} figures; catalogs for {', '.join(plan.languages)}")
    return lines


# --- the publication's files --------------------------------------------------------------------------------

_FIGURES_HEADER = """\
# Every figure of the release, cited from the prose with {fact}`id`; drafted by szpub ingest from
# {release}: check each value, refine ids and labels.
# kind: count | percent | decimal | amount; period: YYYY or YYYY-MM;
# label, unit and qualifier are reader text: translators see them in appendix.po.
figures:
"""
_APPENDIX = "# Figures in this release\n\n```{figures-appendix}\n```\n"
# What MyST reads as markup at the start of a paragraph: headings, quotes, lists, thematic breaks, fences (``` ~~~ :::),
# MyST's comment (%) and block break (+++)
_MARKDOWN_BLOCK = re.compile(r"^(?:[#>+=%~:-]|\d+[.)](?:\s|$))")


def render_publication(plan: Plan) -> dict[str, str]:
    """The text files of the publication by relative path (catalogs come later, from these)."""
    prose = {p.paragraph.number: _cite(p.paragraph.text, plan.figures, p.paragraph.number) for p in plan.placements}
    files = {"conf.py": render_conf(plan), "docs/appendix.md": _APPENDIX}
    lede = [prose[p.paragraph.number] for p in plan.placements if p.section == INDEX]
    toctree = "\n".join([*plan.section_ids(), APPENDIX])
    files["docs/index.md"] = (
        f"# {_heading(_cite(plan.release.title, plan.figures, 0))}\n\n```{{byline}}\n```\n\n" + "\n\n".join(lede)
        + f"\n\n```{{toctree}}\n:maxdepth: 1\n\n{toctree}\n```\n"
    )
    for section_id in plan.section_ids():
        paragraphs = [prose[p.paragraph.number] for p in plan.placements if p.section == section_id]
        alone = plan.section_ids() == [plan.sections.fallback]  # nothing matched a topic: one article part
        title = _escape(ALONE_TITLE if alone else plan.sections.get(section_id).title)
        files[f"docs/{section_id}.md"] = f"# {_heading(title)}\n\n" + "\n\n".join(paragraphs) + "\n"
    files[f"docs/{FIGURES_FILE}"] = render_figures(plan)
    return files


def _cite(text: str, figures: tuple[FoundFigure, ...], paragraph: int) -> str:
    """The paragraph as MyST: each figure replaced by its role, the rest escaped."""
    parts, position = [], 0
    for figure in (f for f in figures if f.paragraph == paragraph):
        parts += [_escape(text[position: figure.start]), f"{{fact}}`{figure.id}`"]
        position = figure.end
    parts.append(_escape(text[position:]))
    cited = "".join(parts)
    return _MARKDOWN_BLOCK.sub(_escape_block, cited, count=1) if parts[0] else cited


def _escape_block(match: re.Match[str]) -> str:
    """A paragraph that would read as a heading, quote or list item: escape its first punctuation."""
    marker = match.group()
    if marker[0].isdigit():
        digits = marker.rstrip()
        return digits[:-1] + "\\" + digits[-1] + marker[len(digits):]
    return "\\" + marker


def _heading(text: str) -> str:
    """Inline text as the content of an ATX heading: every ``#`` escaped."""
    return re.sub(r"(?<!\\)#", r"\\#", text)


def _escape(text: str) -> str:
    """Plain text that MyST reads back as the same text (rare in releases, so msgids stay clean)."""
    return mdtext.escape_inline(text)


def render_figures(plan: Plan) -> str:
    entries = []
    for figure in plan.facts:
        value = format(Decimal(str(figure.value)), "f")  # never 1e-05, which YAML reads as a string
        lines = [f"  - id: {figure.id}", f"    value: {value}", f"    kind: {figure.kind}"]
        if figure.words:
            lines.append("    words: true")
        lines += [f"    {name}: {_yaml_string(getattr(figure, name))}" for name in ("unit", "qualifier")
                  if getattr(figure, name)]
        lines += [f'    period: "{figure.period}"', f"    section: {figure.section}",
                  f"    label: {_yaml_string(figure.label)}"]
        entries.append("\n".join(lines) + "\n")
    return _FIGURES_HEADER.replace("{release}", plan.release.path.name) + "\n".join(entries)


def _yaml_string(text: str) -> str:
    dumped = yaml.safe_dump(text, allow_unicode=True, width=10**6, default_style=None).strip()
    return dumped.removesuffix("\n...").removesuffix("...").strip()


def render_conf(plan: Plan) -> str:
    release = plan.release
    fields = render_conf_fields(plan)
    body = "".join(f"    {json.dumps(k)}: {json.dumps(v, ensure_ascii=False)},\n" for k, v in fields.items())
    languages = ", ".join(json.dumps(lang) for lang in (SOURCE_LANGUAGE, *plan.languages))
    date = f"{release.updated:%d %B %Y}"  # release text reaches this file only through json.dumps
    return f'''"""Sphinx configuration of the release of {date}, drafted by szpub ingest."""

from pathlib import Path

extensions = ["szpub"]

language = "{SOURCE_LANGUAGE}"
szpub_languages = [{languages}]
locale_dirs = [str(Path(__file__).parent / "locales")]  # absolute: Sphinx resolves it against docs/
gettext_compact = False
smartquotes = False  # the release's quotes and dashes as received: the page shows what the newsroom wrote

szpub_slug = {json.dumps(slug(release))}
szpub_release = {{
{body}}}
szpub_figures = "{FIGURES_FILE}"

exclude_patterns = ["{FIGURES_FILE}"]
'''


def slug(release: Release) -> str:
    """The publication's file-name stem: the release file's name, made safe for URLs."""
    text = re.sub(r"[^a-z0-9]+", "-", fold(release.path.stem)).strip("-")
    return text or f"release-{release.updated:%Y-%m-%d}"


# --- writing: a staging folder beside DIR, moved into place only when complete ------------------------------


@dataclass(frozen=True)
class IngestResult:
    """What ``szpub ingest`` wrote."""

    out: Path
    files: tuple[str, ...]
    sections: tuple[str, ...]
    figures: int
    catalogs: tuple[str, ...] = field(default=())


def check_output(out: Path, *, force: bool) -> None:
    """IngestError unless ``out`` is absent, an empty folder, or ``force`` is given."""
    if out.exists() and not out.is_dir():
        raise IngestError(f"{out}: exists and is not a folder")
    if out.is_dir() and any(out.iterdir()) and not force:
        raise IngestError(f"{out}: folder is not empty; choose another, or use --force to replace its publication")


def write_publication(
    plan: Plan, out: Path, *, force: bool = False, memory: list[Path] | None = None
) -> IngestResult:
    """Writes the publication into ``out`` completely, or not at all; ``memory``: publications to prefill from."""
    check_output(out, force=force)
    if not plan.figures:
        line = plan.release.paragraphs[-1].line
        raise IngestError(f"{plan.release.path}:{line}: no figures found; a publication needs at least one")
    parent = out.absolute().parent
    created = next((folder for folder in [*reversed(parent.parents), parent] if not folder.exists()), None)
    try:
        parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.ingest-", dir=parent))
    except OSError as err:
        raise IngestError(f"{out}: cannot create the folder: {err.strerror}") from None
    done = False
    try:
        staging.chmod(0o777 & ~_umask())  # mkdtemp's 0700 would outlive the move
        files = [*_write_files(staging, plan), f"release/{plan.release.path.name}"]
        _check_figures(staging / "docs" / FIGURES_FILE, plan)
        catalogs = write_catalogs(staging, plan, memory)
        _move_into_place(staging, out.absolute())
        done = True
    except OSError as err:
        raise IngestError(f"{out}: cannot write the publication: {err}") from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)
        if created and not done:
            shutil.rmtree(created, ignore_errors=True)  # the folders made for DIR, nothing else
    return IngestResult(out, tuple(files), tuple(plan.section_ids()), len(plan.facts), catalogs)


def _write_files(staging: Path, plan: Plan) -> list[str]:
    files = render_publication(plan)
    for name, text in files.items():
        (staging / name).parent.mkdir(parents=True, exist_ok=True)
        (staging / name).write_text(text, encoding="utf-8")
    kept = staging / "release" / plan.release.path.name
    kept.parent.mkdir()
    shutil.copyfile(plan.release.path, kept)  # the release as received, byte for byte
    return list(files)


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _check_figures(path: Path, plan: Plan) -> None:
    try:
        load_figures(path)
    except FiguresError as err:  # a drafting bug, not the user's: say so plainly
        raise IngestError(f"{plan.release.path}: the drafted figures file is not valid: {err}") from None


def write_catalogs(root: Path, plan: Plan, memory: list[Path] | None = None) -> tuple[str, ...]:
    """Catalogs for every target language, written as ``szpub update [--memory PUB]`` writes them."""
    from szpub.catalogs.memory import load_memory, merge_glossaries
    from szpub.catalogs.pofiles import CatalogError
    from szpub.catalogs.update import UpdateError, update_catalogs
    from szpub.core.project import ProjectError, find_project

    remembered = load_memory(memory, list(plan.languages)) if memory else None  # the user's input: as it is
    try:
        project = find_project(root)
        result = update_catalogs(project, list(plan.languages), remembered)
        if remembered is not None:
            merge_glossaries(project, remembered)
    except (UpdateError, CatalogError, ProjectError) as err:  # a drafting bug, not the user's: say so plainly
        message = str(err).replace(str(root), "DIR")
        raise IngestError(f"{plan.release.path}: the drafted publication does not extract:\n{message}") from None
    return tuple(update.path for update in result.catalogs)


def render_conf_fields(plan: Plan) -> dict[str, str]:
    release = plan.release
    return {
        "title": release.title,
        "source": release.source,
        "portal": release.portal,
        "updated": release.updated.isoformat(),
        "subject": release.title,
    }


def _move_into_place(staging: Path, out: Path) -> None:
    """``out`` becomes the staged publication; with --force, what it held is replaced entry by entry."""
    if not out.exists() or (out.is_dir() and not any(out.iterdir())):
        if out.exists():
            out.rmdir()
        staging.rename(out)
        return
    trash = Path(tempfile.mkdtemp(prefix=f".{out.name}.replaced-", dir=out.parent))
    moved: list[str] = []
    try:
        for entry in sorted(staging.iterdir()):
            if (out / entry.name).exists():
                (out / entry.name).rename(trash / entry.name)
            entry.rename(out / entry.name)
            moved.append(entry.name)
    except OSError:
        for name in moved:  # put back what was there
            shutil.rmtree(out / name, ignore_errors=True) if (out / name).is_dir() else (out / name).unlink()
            if (trash / name).exists():
                (trash / name).rename(out / name)
        raise
    finally:
        shutil.rmtree(trash, ignore_errors=True)
