"""WeasyPrint is imported without its search for libraries (builder/render/pdf.py's load_weasyprint): no process is
started to find Pango or fontconfig, and a machine where the direct names fail still gets WeasyPrint, quietly."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

from builder.load.project import ROOT

COUNT_PROCESSES = """
import json, subprocess, sys
started = []
real = subprocess.Popen.__init__
def counted(self, args, *a, **k):
    started.append(args if isinstance(args, str) else " ".join(map(str, args)))
    real(self, args, *a, **k)
subprocess.Popen.__init__ = counted
"""


def _run(code: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True, env=env, timeout=120)


def test_the_import_starts_no_process_where_weasyprint_alone_starts_many() -> None:
    ours = _run(COUNT_PROCESSES + "from builder.render.pdf import load_weasyprint\nload_weasyprint()\n"
                "import weasyprint\nprint(json.dumps(started))\n")
    assert ours.returncode == 0, ours.stderr
    assert json.loads(ours.stdout.strip().splitlines()[-1]) == []
    plain = _run(COUNT_PROCESSES + "import weasyprint\nprint(json.dumps(started))\n")
    assert plain.returncode == 0, plain.stderr
    assert any("ldconfig" in cmd for cmd in json.loads(plain.stdout.strip().splitlines()[-1])), \
        "WeasyPrint's own import no longer searches: load_weasyprint's reason is gone (keep it or drop it)"


def test_a_machine_whose_libraries_load_only_by_search_still_gets_weasyprint_and_a_clean_terminal() -> None:
    """The first import fails as it would where no library loads by its direct name; the second, with the search, works."""
    code = """
    import importlib.abc, sys
    class FailOnce(importlib.abc.MetaPathFinder):
        failed = False
        def find_spec(self, name, path, target=None):
            if name == "weasyprint.text.ffi" and not FailOnce.failed:
                FailOnce.failed = True
                print("advice WeasyPrint prints before raising")
                raise OSError("cannot load library 'libgobject-2.0-0'")
            return None
    sys.meta_path.insert(0, FailOnce())
    from builder.render.pdf import load_weasyprint
    load_weasyprint()
    import weasyprint
    print("loaded" if FailOnce.failed and hasattr(weasyprint, "HTML") else "not tested")
    """
    result = _run(code)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "loaded", result.stdout
