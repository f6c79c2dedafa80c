"""rbx works with no network and no NLTK data, and `rbx --help` loads nothing heavy."""

import os
import subprocess
import sys
import textwrap


def _python(code: str, tmp_path, extra_env=None):
    # A sitecustomize that makes every network connection fail, as on an air-gapped machine.
    site = tmp_path / "site"
    site.mkdir(exist_ok=True)
    (site / "sitecustomize.py").write_text(textwrap.dedent("""
        import socket
        def _refuse(*args, **kwargs):
            raise OSError("network disabled by the test")
        socket.socket.connect = _refuse
        socket.create_connection = _refuse
    """))
    env = {k: v for k, v in os.environ.items() if k not in ("HF_HOME", "XDG_CACHE_HOME", "TA_CACHE_DIR", "NLTK_DATA")}
    env.update({"PYTHONPATH": str(site), "HOME": str(tmp_path / "home"), "RBX_HOME": str(tmp_path / "rbx"),
                **(extra_env or {})})
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=300)


def test_textattack_imports_offline_without_nltk_downloads(tmp_path):
    code = """
import os, socket
from robustbench_xl.offline import import_textattack
ta = import_textattack()
from robustbench_xl.recipes import load_recipe
assert ta.Attack is not None
assert "HF_HOME" not in os.environ and "TA_CACHE_DIR" not in os.environ and "XDG_CACHE_HOME" not in os.environ
try:
    socket.create_connection(("example.org", 80))
    raise SystemExit("network was reachable")
except OSError:
    pass
from textattack.constraints.pre_transformation import StopwordModification
print(len(StopwordModification().stopwords))
"""
    result = _python(code, tmp_path)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip() == "179"
    assert (tmp_path / "rbx" / "textattack" / "post_install_check_3").exists()
    assert not (tmp_path / "home" / "nltk_data").exists()


def test_cli_help_loads_no_heavy_library(tmp_path):
    code = """
import sys
from typer.testing import CliRunner
from robustbench_xl.cli import app
result = CliRunner().invoke(app, ["--help"])
assert result.exit_code == 0, result.output
assert "attack" in result.output
result = CliRunner().invoke(app, ["attack", "--help"])
assert "rbx attack --lang ko" in result.output, result.output
print(sorted(m for m in ("torch", "textattack", "transformers", "stanza", "datasets", "scipy") if m in sys.modules))
"""
    result = _python(code, tmp_path)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip() == "[]"
