"""``course site build`` and ``course site serve``: generate the pages, then build.

The course generates every page itself first (:mod:`.generate`: plain Markdown, figures
and assets in ``site/_docs/``), then a site builder turns that folder into the site:

- ``mkdocs`` (the default): MkDocs with Material, strict, so that a broken link, a missing
  anchor or a page left out of the navigation stops the build;
- ``zensical``: Zensical, Material's successor, on the same folder and configuration.

After a build, the formulas in the search index are made plain text (search previews
would show their TeX). ``serve`` (:mod:`.serve`) builds the same way into a folder of its
own and serves it on 127.0.0.1 only, with the learner's progress.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import unicodedata
from pathlib import Path

from grader.site.generate import Generated, GenerateError, generate

DEFAULT_PORT = 8000
ENGINES = ("mkdocs", "zensical")
# What a change to means the site must be built again while serving (see .serve).
SOURCES = ("lessons", "exercises", "site/assets", "mkdocs.yml", "README.md")


class SiteError(Exception):
    """The site cannot be built or served here; the message says why."""


def _environment() -> dict[str, str]:
    # Material 9.8 prints a banner about MkDocs 2.0 on every run; it is noise for learners.
    return {**os.environ, "NO_MKDOCS_2_WARNING": "1"}


def _generate(root: Path, site_dir: Path | None, out: Path | None = None) -> Generated:
    try:
        return generate(root, site_dir, out)
    except GenerateError as exc:
        raise SiteError(f"The pages could not be generated: {exc}") from None


def _engine_command(engine: str, generated: Generated, *args: str) -> list[str]:
    if engine == "mkdocs":
        try:
            import mkdocs  # noqa: F401  (only to say clearly when it is missing)
        except ImportError:
            raise SiteError(
                "MkDocs is not installed in this environment; run "
                "'.venv/bin/pip install -e .' in the course folder first."
            ) from None
        # Never -q or -v: with them MkDocs 1.6 stops treating warnings as errors.
        config = str(generated.config)
        return [sys.executable, "-m", "mkdocs", *args, "--strict", "--config-file", config]
    if engine == "zensical":
        program = shutil.which("zensical", path=str(Path(sys.executable).parent)) or shutil.which(
            "zensical"
        )
        if program is None:
            raise SiteError(
                "Zensical is not installed in this environment; run "
                "'.venv/bin/pip install zensical' first."
            )
        return [program, *args, "--strict", "--config-file", str(_zensical_config(generated))]
    raise SiteError(f"Unknown site builder {engine!r}; use one of {', '.join(ENGINES)}.")


ZENSICAL_OUT = "zensical-site"  # Zensical writes only inside its project: site/_docs/...


def _zensical_config(generated: Generated) -> Path:
    """The same configuration with the output inside the project, as Zensical requires;
    :func:`build` moves the site to where it was asked for."""
    text = generated.config.read_text(encoding="utf-8")
    lines = [
        f"site_dir: {ZENSICAL_OUT}" if line.startswith("site_dir:") else line
        for line in text.splitlines()
    ]
    path = generated.config.with_name("zensical.yml")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def build(
    root: Path,
    site_dir: Path | None = None,
    engine: str = "mkdocs",
    *,
    generated_dir: Path | None = None,
    capture: bool = False,
) -> tuple[int, Path]:
    """Generate the pages and build the site; returns the builder's exit status and the
    output folder. ``generated_dir`` is where the plain pages go (default ``site/_docs/``);
    with ``capture`` the builder's output is kept and, on a failure, raised as
    :class:`SiteError`."""
    root = Path(root).resolve()
    generated = _generate(root, site_dir, generated_dir)
    done = subprocess.run(
        _engine_command(engine, generated, "build"),
        cwd=root,
        env=_environment(),
        capture_output=capture,
        text=True,
    )
    if capture and done.returncode != 0:
        lines = [line for line in (done.stderr + done.stdout).splitlines() if line.strip()]
        raise SiteError("The site did not build:\n" + "\n".join(lines[-12:]))
    if engine == "zensical" and done.returncode == 0:
        built = generated.config.parent / ZENSICAL_OUT
        if generated.site_dir.exists():
            shutil.rmtree(generated.site_dir)
        shutil.move(str(built), generated.site_dir)
    if done.returncode == 0:
        readable_search_index(generated.site_dir)
    return done.returncode, generated.site_dir


def serve(root: Path, port: int = DEFAULT_PORT) -> None:
    """Serve the site on 127.0.0.1 until interrupted: see :mod:`grader.site.serve`."""
    from grader.site.serve import serve_site

    serve_site(Path(root).resolve(), port)


# -- Search previews ------------------------------------------------------------------------------

# Both builders keep each section's text for search as HTML, math and all: a result's
# preview would show "\(\varepsilon\)". After a build every formula in the index is made
# readable text ("ε"); the pages themselves are untouched, KaTeX renders them.
SEARCH_INDEXES = (
    "search/search_index.json",
    "search/search_index.js",
    "search.json",
    "search.js",
)
_MATH = re.compile(r"\\\((.+?)\\\)|\\\[(.+?)\\\]", re.S)
_SYMBOLS = {
    **{
        name: chr(code)
        for name, code in (
            ("alpha", 0x3B1),
            ("beta", 0x3B2),
            ("gamma", 0x3B3),
            ("delta", 0x3B4),
            ("epsilon", 0x3F5),
            ("varepsilon", 0x3B5),
            ("zeta", 0x3B6),
            ("eta", 0x3B7),
            ("theta", 0x3B8),
            ("vartheta", 0x3D1),
            ("iota", 0x3B9),
            ("kappa", 0x3BA),
            ("lambda", 0x3BB),
            ("mu", 0x3BC),
            ("nu", 0x3BD),
            ("xi", 0x3BE),
            ("pi", 0x3C0),
            ("rho", 0x3C1),
            ("sigma", 0x3C3),
            ("tau", 0x3C4),
            ("phi", 0x3D5),
            ("varphi", 0x3C6),
            ("chi", 0x3C7),
            ("psi", 0x3C8),
            ("omega", 0x3C9),
            ("Gamma", 0x393),
            ("Delta", 0x394),
            ("Theta", 0x398),
            ("Lambda", 0x39B),
            ("Xi", 0x39E),
            ("Pi", 0x3A0),
            ("Sigma", 0x3A3),
            ("Phi", 0x3A6),
            ("Psi", 0x3A8),
            ("Omega", 0x3A9),
        )
    },
    "partial": "∂",
    "nabla": "∇",
    "infty": "∞",
    "times": "×",
    "cdot": "·",
    "odot": "⊙",
    "approx": "≈",
    "to": "→",
    "rightarrow": "→",
    "leftarrow": "←",
    "Longrightarrow": "⟹",
    "Rightarrow": "⇒",
    "mapsto": "↦",
    "le": "≤",
    "leq": "≤",
    "ge": "≥",
    "geq": "≥",
    "neq": "≠",
    "ne": "≠",
    "pm": "±",
    "propto": "∝",
    "lesssim": "≲",
    "gtrsim": "≳",
    "sim": "~",
    "in": "∈",
    "sum": "Σ",
    "prod": "Π",
    "int": "∫",
    "dots": "…",
    "ldots": "…",
    "cdots": "⋯",
    "lVert": "‖",
    "rVert": "‖",
    "Vert": "‖",
    "lvert": "|",
    "rvert": "|",
    "vert": "|",
    "mid": "|",
    "top": "ᵀ",
    "circ": "∘",
    "ell": "ℓ",
    "quad": " ",
    "qquad": " ",
    "langle": "⟨",
    "rangle": "⟩",
    "lfloor": "⌊",
    "rfloor": "⌋",
    "lceil": "⌈",
    "rceil": "⌉",
    ",": " ",
    ";": " ",
    ":": " ",
    "!": "",
    " ": " ",
    "{": "{",
    "}": "}",
    "%": "%",
    "\\": "; ",
}
_DROPPED = {  # sizes and spacing that mean nothing in plain text
    "left",
    "right",
    "big",
    "Big",
    "bigg",
    "Bigg",
    "bigl",
    "bigr",
    "Bigl",
    "Bigr",
    "biggl",
    "biggr",
    "mathrel",
    "mathop",
    "displaystyle",
    "textstyle",
    "limits",
}
_ARGUMENT_KEPT = {  # commands whose argument is simply the text
    "text",
    "mathrm",
    "mathit",
    "mathbf",
    "mathsf",
    "mathtt",
    "operatorname",
    "boldsymbol",
    "bm",
    "textbf",
    "textit",
    "emph",
    "underbrace",
    "overbrace",
    "underline",
    "overline",
    "mbox",
    "vec",
}
_ACCENTS = {"bar": "\u0304", "hat": "\u0302", "dot": "\u0307", "ddot": "\u0308", "tilde": "\u0303"}
_BLACKBOARD = {"R": "ℝ", "N": "ℕ", "Z": "ℤ", "Q": "ℚ", "C": "ℂ", "E": "𝔼"}
_SUPERSCRIPT = dict(zip("0123456789+-−=()niT", "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁻⁼⁽⁾ⁿⁱᵀ", strict=True))
_SUBSCRIPT = dict(
    zip("0123456789+-=()aehijklmnoprstuvx", "₀₁₂₃₄₅₆₇₈₉₊₋₌₍₎ₐₑₕᵢⱼₖₗₘₙₒₚᵣₛₜᵤᵥₓ", strict=True)
)


def readable_math(tex: str) -> str:
    """A formula's TeX as plain text for a search preview: ``\\frac{f(x+h)-f(x)}{h}`` ->
    ``(f(x+h)−f(x))/h``, ``h^2`` -> ``h²``, ``\\varepsilon`` -> ``ε``. Not a renderer:
    enough that a reader of a preview sees what the formula says."""
    text, _ = _tex_group(tex.strip(), 0, None)
    return unicodedata.normalize("NFC", " ".join(text.split()))  # ḡ as one character


def _tex_argument(tex: str, at: int) -> tuple[str, int]:
    """The argument at ``at`` (a {group} or one character or command), rendered, and
    where it ends."""
    while at < len(tex) and tex[at] == " ":
        at += 1
    if at >= len(tex):
        return "", at
    if tex[at] == "{":
        return _tex_group(tex, at + 1, "}")
    if tex[at] == "\\":
        return _tex_group(tex, at, None, one=True)
    return tex[at], at + 1


def _tex_group(tex: str, at: int, close: str | None, one: bool = False) -> tuple[str, int]:
    out: list[str] = []
    while at < len(tex):
        c = tex[at]
        if close is not None and c == close:
            return "".join(out), at + 1
        if c == "{":
            inner, at = _tex_group(tex, at + 1, "}")
            out.append(inner)
        elif c == "\\":
            name = re.match(r"[A-Za-z]+|.", tex[at + 1 :])
            word = name.group(0) if name else ""
            text, at = _tex_command(word, tex, at + 1 + len(word))
            out.append(text)
            after = tex[at:].lstrip(" ")[:1]
            if len(text) == 1 and (text.isalpha() or text in "∂∇") and re.match(r"\w", after):
                at = len(tex) - len(tex[at:].lstrip(" "))  # "\\partial f" is ∂f
        elif c in "^_":
            argument, at = _tex_argument(tex, at + 1)
            table = _SUPERSCRIPT if c == "^" else _SUBSCRIPT
            if argument and all(ch in table for ch in argument):
                out.append("".join(table[ch] for ch in argument))
            elif c == "^":
                out.append("^" + (argument if len(argument) == 1 else f"({argument})"))
            else:
                out.append("_" + (argument if len(argument) == 1 else f"({argument})"))
        elif c == "&":
            at += 1
        elif c == "-":
            out.append("−")
            at += 1
        else:
            out.append(c)
            at += 1
        if one and out:
            break
    return "".join(out), at


def _tex_command(word: str, tex: str, at: int) -> tuple[str, int]:
    """The text of the command ``word`` whose arguments start at ``at``, and where it ends."""
    if word in _SYMBOLS:
        return _SYMBOLS[word], at
    if word in _DROPPED:
        return "", at + 1 if tex[at : at + 1] == "." else at  # \\left. is no bracket
    if word in ("frac", "dfrac", "tfrac"):
        top, at = _tex_argument(tex, at)
        bottom, at = _tex_argument(tex, at)
        return f"{_wrapped(top)}/{_wrapped(bottom)}", at
    if word in ("begin", "end"):
        return "", _tex_argument(tex, at)[1]
    if word not in ("sqrt", "mathbb", *_ACCENTS, *_ARGUMENT_KEPT):
        return word, at  # lim, max, sin, log, exp and any other name: the name itself
    index = ""
    if word == "sqrt" and tex[at : at + 1] == "[":  # \\sqrt[3]{x}
        index, at = _tex_group(tex, at + 1, "]")
    inner, at = _tex_argument(tex, at)
    if word == "sqrt":
        root = {"": "√", "2": "√", "3": "∛", "4": "∜"}.get(index.strip())
        if root is None:
            root = "".join(_SUPERSCRIPT.get(ch, ch) for ch in index.strip()) + "√"
        return f"{root}{_wrapped(inner)}", at
    if word == "mathbb":
        return "".join(_BLACKBOARD.get(ch, ch) for ch in inner), at
    if word in _ACCENTS:
        return (inner + _ACCENTS[word] if len(inner) == 1 else f"{word}({inner})"), at
    return inner, at


def _wrapped(text: str) -> str:
    """``text`` in brackets unless it is one number or name."""
    return text if re.fullmatch(r"[\w.′]+|\(.*\)", text) and text.count("(") < 2 else f"({text})"


def readable_search_index(site: Path) -> None:
    """Every formula in the built site's search index made readable (``readable_math``)."""
    for name in SEARCH_INDEXES:
        path = Path(site) / name
        if not path.is_file():
            continue
        raw = path.read_text(encoding="utf-8")
        start, end = raw.find("{"), raw.rfind("}")
        if start < 0 or end < start:
            continue
        data = json.loads(raw[start : end + 1])
        entries = data.get("docs") or data.get("items") or []
        for entry in entries:
            for field in ("title", "text"):
                if isinstance(entry.get(field), str):
                    entry[field] = _MATH.sub(
                        lambda m: readable_math(m.group(1) or m.group(2)), entry[field]
                    )
        text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
        path.write_text(raw[:start] + text + raw[end + 1 :], encoding="utf-8")
