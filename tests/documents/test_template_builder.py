"""The committed DOCX templates are exactly what tools/docx_templates.py builds (one source of the layout)."""

from __future__ import annotations

import importlib.util
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _builder():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("docx_templates", ROOT / "tools" / "docx_templates.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_committed_template_is_what_the_tool_builds(tmp_path):
    builder = _builder()
    built = {p.name: p for p in builder.build_all(tmp_path)}
    committed = {p.name: p for p in builder.TEMPLATES_DIR.glob("*.docx")}
    assert set(built) == set(committed) and len(built) == 9
    for name, path in built.items():
        with zipfile.ZipFile(path) as new, zipfile.ZipFile(committed[name]) as old:
            assert sorted(new.namelist()) == sorted(old.namelist()), name
            changed = [part for part in new.namelist() if new.read(part) != old.read(part)]
            assert not changed, f"{name}: {changed} differ; run python tools/docx_templates.py and commit"


def test_the_installed_package_does_not_carry_the_builder():
    import kiemdiem.documents as documents

    assert not (Path(documents.__file__).parent / "docx_build.py").exists()
