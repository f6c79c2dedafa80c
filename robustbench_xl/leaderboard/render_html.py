"""Render ``leaderboard.json`` data as one self-contained, offline ``index.html``.

Card
- What: ``render_html(data)`` fills ``templates/page.html`` with the page's CSS and JavaScript
  (``templates/comparisons.js`` then ``page.js``, as one script) inline
  and the data as JSON inside ``<script type="application/json">``. The page sorts and filters by
  language, recipe, regime and model, draws one SVG chart per recipe (accuracy under attack per
  language for every arm, with 95% interval bars) and shows example adversarial pairs as text.
- Safety: in the embedded JSON ``<``, ``>``, ``&`` and U+2028/2029 are escaped as ``\\u003c`` etc., so
  no data can close the script element; the JavaScript inserts data only with ``textContent`` /
  ``createTextNode``; a Content-Security-Policy allows only the page's own script and style (by
  sha256 hash), so even injected markup could not run.
- Languages: the page's data also carries ``languages`` (code, name, low-resource flag in display
  order, from the language registry) when ``data`` has none, so the page holds no language list of
  its own; ``leaderboard.json`` itself is unchanged.
- Limits: works from ``file://`` with no network and no CDN; it needs a browser with ES5 and SVG.
- Example::

      Path("leaderboard/index.html").write_text(render_html(board.to_json()), encoding="utf-8")
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from pathlib import Path

from robustbench_xl.lang import languages_json

TEMPLATES = Path(__file__).resolve().parent / "templates"
SCRIPTS = ("comparisons.js", "page.js")
_ESCAPES = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}


def embed_json(data: object) -> str:
    """JSON that is safe inside a ``<script>`` element of an HTML page."""
    text = json.dumps(data, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    return re.sub("[<>&\u2028\u2029]", lambda m: _ESCAPES[m.group(0)], text)


def _csp_hash(source: str) -> str:
    return "sha256-" + base64.b64encode(hashlib.sha256(source.encode("utf-8")).digest()).decode("ascii")


def page_data(data: dict) -> dict:
    """``data`` plus the registry's ``languages`` (display order and names) unless it has its own."""
    return data if "languages" in data else {**data, "languages": languages_json()}


def render_html(data: dict) -> str:
    """The complete page for one leaderboard's data."""
    template = (TEMPLATES / "page.html").read_text(encoding="utf-8")
    style = (TEMPLATES / "page.css").read_text(encoding="utf-8")
    # comparisons.js defines rbxComparisons, which page.js calls: one script, one CSP hash.
    script = "\n".join((TEMPLATES / name).read_text(encoding="utf-8") for name in SCRIPTS)
    values = {
        "STYLE": style,
        "SCRIPT": script,
        "STYLE_HASH": _csp_hash(style),
        "SCRIPT_HASH": _csp_hash(script),
        "DATA": embed_json(page_data(data)),
    }
    # One pass, so text substituted in (the data above all) is never scanned for placeholders again.
    return re.sub(r"__(STYLE_HASH|SCRIPT_HASH|STYLE|SCRIPT|DATA)__", lambda m: values[m.group(1)], template)
