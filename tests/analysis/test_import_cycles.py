"""No import cycle inside the analysis package, counting imports inside functions (``TYPE_CHECKING`` ones aside).

A cycle hidden by an import inside a function still ties the modules together: each needs the other, and the one
imported first only works because the other's import waits. grimp (the import graph behind import-linter) reads
every import statement, wherever it sits, so these tests see what ``lint-imports`` would not.
"""

from __future__ import annotations

import textwrap

import grimp
import pytest


def import_cycles(package: str) -> list[list[str]]:
    """One shortest cycle per direct import that closes one (``a -> b -> ... -> a``), modules of `package` only."""
    graph = grimp.build_graph(package, exclude_type_checking_imports=True, cache_dir=None)
    cycles, seen = [], set()
    for importer in sorted(graph.modules):
        for imported in sorted(graph.find_modules_directly_imported_by(importer)):
            if imported.split(".")[0] != package:
                continue
            back = graph.find_shortest_chain(importer=imported, imported=importer)
            if back and frozenset(back) not in seen:
                seen.add(frozenset(back))
                cycles.append([importer, *back])
    return cycles


def test_the_analysis_package_has_no_import_cycle():
    cycles = import_cycles("analysis")
    assert not cycles, "import cycles in analysis/:\n" + "\n".join(" -> ".join(c) for c in cycles)


def test_a_cycle_hidden_inside_a_function_is_found_and_a_type_checking_import_is_not(tmp_path, monkeypatch):
    package = tmp_path / "cyclic_demo"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "reader.py").write_text("from .shared import NAME\n")
    (package / "shared.py").write_text(textwrap.dedent("""
        from typing import TYPE_CHECKING

        if TYPE_CHECKING:
            from .typed import Hint

        NAME = "x"

        def late():
            from .reader import NAME as again  # the cycle, hidden in a function
            return again
    """))
    (package / "typed.py").write_text("from .shared import NAME\nHint = str\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    cycles = import_cycles("cyclic_demo")
    assert [set(c) for c in cycles] == [{"cyclic_demo.reader", "cyclic_demo.shared"}]


@pytest.mark.parametrize("helper", ["_export_formats", "_database", "_codebook_types", "labels"])
def test_the_readers_helpers_never_import_analysis_io(helper):
    graph = grimp.build_graph("analysis", exclude_type_checking_imports=True, cache_dir=None)
    assert not graph.chain_exists(importer=f"analysis.{helper}", imported="analysis.io")
