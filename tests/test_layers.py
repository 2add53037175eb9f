"""The import direction, read from the source (nothing is imported): a ``lab`` module imports
only its own layer or a lower one (``lab.LAYERS``, bottom-up), never Streamlit, ``ui``,
``pages`` or ``app``; ``ui`` never imports ``pages``."""

import ast
from pathlib import Path

import lab

ROOT = Path(__file__).resolve().parents[1]
# What lab/ never imports: it runs in a script or a test without a browser or the app.
ABOVE_LAB = {"streamlit", "ui", "pages", "app"}


def module_name(path: Path) -> str:
    """``lab/figures/xor.py`` -> ``lab.figures.xor``; a package's ``__init__.py`` -> its name."""
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imported(source: str, module: str, is_package: bool) -> list[tuple[int, str]]:
    """Every module ``source`` imports, anywhere in it (functions and ``TYPE_CHECKING`` too),
    as (line, dotted name); ``from a import b`` gives ``a.b`` too, since ``b`` may be a module."""
    package = module.split(".") if is_package else module.split(".")[:-1]
    out = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            out += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package[:len(package) - node.level + 1]
                base = ".".join(anchor + ([base] if base else []))
            out.append((node.lineno, base))
            out += [(node.lineno, f"{base}.{alias.name}") for alias in node.names]
    return out


def layer(name: str) -> str | None:
    """The layer of a dotted ``lab`` name (``lab.figures.xor`` -> ``figures``); None for
    ``lab`` itself and for anything outside it."""
    parts = name.split(".")
    return parts[1] if parts[0] == "lab" and len(parts) > 1 else None


def violations(path: Path, source: str) -> list[str]:
    """What ``source`` (the text of ``path`` under lab/ or ui/) imports against the layers."""
    module = module_name(path)
    rank = {name: i for i, name in enumerate(lab.LAYERS)}
    found = []
    for line, name in imported(source, module, path.name == "__init__.py"):
        where = f"{path.relative_to(ROOT)}:{line} imports {name}"
        top = name.split(".")[0]
        if module.startswith("ui") and top == "pages":
            found.append(f"{where} (ui/ never imports pages/)")
        if not module.startswith("lab."):
            continue
        if top in ABOVE_LAB:
            found.append(f"{where} (lab/ never imports {top})")
        mine, theirs = layer(module), layer(name)
        if theirs is not None and theirs in rank and rank[theirs] > rank[mine]:
            found.append(f"{where} (layer {theirs} is above {mine})")
    return found


def sources(folder: str) -> list[Path]:
    return sorted((ROOT / folder).rglob("*.py"))


def test_every_lab_module_sits_in_a_named_layer():
    """A new package (or a module loose in lab/) must be given its place in ``lab.LAYERS``."""
    loose = [str(p.relative_to(ROOT)) for p in sources("lab")
             if module_name(p) != "lab" and layer(module_name(p)) not in lab.LAYERS]
    assert not loose, f"modules in no layer of lab.LAYERS: {loose}"
    assert len(set(lab.LAYERS)) == len(lab.LAYERS)


def test_no_import_runs_up_a_layer():
    found = [v for folder in ("lab", "ui") for p in sources(folder)
             for v in violations(p, p.read_text(encoding="utf-8"))]
    assert not found, "\n".join(found)


def test_the_check_sees_each_kind_of_violation():
    """The checker itself, on sources that break each rule (absolute, relative, inside a
    function, ``from lab import``), and on the same files importing downwards."""
    def check(rel: str, source: str) -> list[str]:
        return violations(ROOT / rel, source)

    assert check("lab/maths/recurrent.py", "from lab.networks import kinds\n")
    assert check("lab/maths/recurrent.py", "def f():\n    import lab.training.jobs\n")
    assert check("lab/maths/__init__.py", "from ..figures import xor\n")
    assert check("lab/core/cache.py", "from lab import prepare\n")
    assert check("lab/figures/xor.py", "from lab.questions.x import y\n")
    assert check("lab/figures/xor.py", "import streamlit as st\n")
    assert check("lab/figures/xor.py", "from ui.safe import md\n")
    assert check("ui/room.py", "from pages import stock\n")
    assert not check("lab/figures/xor.py", "from lab.networks import mlp\nfrom . import hline\n"
                                           "from ..maths import geometry\nimport numpy\n")
    assert not check("lab/prepare.py", "from lab.classroom import room\n")
    assert not check("ui/room.py", "from lab.classroom import room\nimport streamlit\n")
