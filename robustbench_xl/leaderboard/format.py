"""How numbers read on screen: the formats the leaderboard renderers and the ``rbx check`` gate share.

Card
- What: one function per format. Fractions are shown as points (``scale`` 100, one decimal, never
  ``-0.0``): ``number`` / ``pct``, ``interval`` (``45.5 [36.0, 56.0]``), ``short_interval``
  (``45.5 (36–56)``, for a terminal), ``signed`` (a difference, ``+1.5``), ``delta_text``
  (``+1.5 [-0.5, 3.5]``), ``mean_std`` (``55.0 ± 2.0``) and ``arm_text`` (with the seed count);
  p-values by ``p_value`` (``0.012``, ``3.1e-05``: the leaderboard's tables) and ``p_brief`` (three
  significant digits: the gate's); counts by ``count`` and ``discordant`` (``12 / 5``); thresholds
  such as ``--max-drop`` by ``setting``. Labels shared by the renderers:
  ``lang_label`` (``ja †`` for a low-resource language), ``pool_label``, ``test_label``.
- A missing value is ``–`` (an en dash) in every format.
- Used by ``render_markdown``, ``render_terminal`` and ``robustbench_xl/check.py``; the page's
  JavaScript (``templates/``) has its own copy for the browser.
- Example::

      >>> interval({"value": 0.455, "low": 0.36, "high": 0.56})
      '45.5 [36.0, 56.0]'
      >>> signed(-0.0004), p_value(0.00003)
      ('0.0', '3.0e-05')
"""

from __future__ import annotations

MISSING = "–"


def number(x: float | None, digits: int = 1, scale: float = 100) -> str:
    """``scale * x`` rounded, never shown as ``-0.0``; ``–`` for a missing value."""
    if x is None:
        return MISSING
    text = f"{scale * x:.{digits}f}"
    return text[1:] if text.startswith("-") and float(text) == 0 else text


def pct(x: float | None, digits: int = 1) -> str:
    """A fraction in percentage points: ``0.455`` -> ``45.5``."""
    return number(x, digits)


def interval(metric: dict, scale: float = 100, digits: int = 1) -> str:
    """A value with its confidence interval: ``45.5 [36.0, 56.0]`` (``metric``: value, low, high)."""
    if metric.get("value") is None:
        return MISSING
    return (f"{number(metric['value'], digits, scale)} "
            f"[{number(metric['low'], digits, scale)}, {number(metric['high'], digits, scale)}]")


def short_interval(metric: dict) -> str:
    """``45.5 (36–56)``: the value and its interval rounded to whole points, to fit a terminal."""
    if metric.get("value") is None:
        return MISSING
    low, high = metric["low"], metric["high"]
    bounds = "" if low is None or high is None else f" ({number(low, 0)}–{number(high, 0)})"
    return f"{number(metric['value'])}{bounds}"


def signed(x: float | None) -> str:
    """A difference in points with its sign: ``+1.5``, ``-0.5``, ``0.0``."""
    text = number(x)
    return text if text in (MISSING, "0.0") or text.startswith("-") else "+" + text


def delta_text(delta: dict | None) -> str:
    """``+1.5 [-0.5, 3.5]``: a STILTs-minus-standard difference in points with its interval."""
    if not delta or delta.get("value") is None:
        return MISSING
    text = signed(delta["value"])
    if delta.get("low") is not None and delta.get("high") is not None:
        text += f" [{pct(delta['low'])}, {pct(delta['high'])}]"
    return text


def mean_std(mean: float | None, std: float | None, sep: str = " ± ") -> str:
    """``55.0 ± 2.0``: a mean over seeds and its standard deviation (left out when there is none)."""
    return pct(mean) + (f"{sep}{pct(std)}" if std is not None else "")


def arm_text(arm: dict) -> str:
    """``55.0 ± 2.0 (2 seeds)``: an arm's accuracy over its seeds."""
    seeds = len(arm["seeds"])
    return f"{mean_std(arm['mean'], arm.get('std'))} ({seeds} seed{'s' if seeds != 1 else ''})"


def p_value(p: float | None) -> str:
    """A p-value in the leaderboard's tables: three decimals, scientific below 0.001."""
    if p is None:
        return MISSING
    return f"{p:.1e}" if p < 0.001 else f"{p:.3f}"


def p_brief(p: float | None) -> str:
    """A p-value with three significant digits (the gate's messages and table)."""
    return MISSING if p is None else f"{p:.3g}"


def setting(x: float) -> str:
    """A threshold as the user gave it, shortest form: ``2``, ``0.05``, ``2.5``."""
    return f"{x:g}"


def count(n: int | None) -> str:
    """A number of examples; ``–`` when there are none."""
    return str(n) if n else MISSING


def discordant(first_only: int | None, second_only: int | None, sep: str = " / ") -> str:
    """``12 / 5``: the matched pairs only the first / only the second arm got right."""
    return MISSING if first_only is None else f"{first_only}{sep}{second_only}"


def fraction(k: int, n: int) -> str:
    """``17/20``: k of n (judged pairs whose label holds, and the like)."""
    return f"{k}/{n}"


def valid_attack_text(validity: dict | None) -> str:
    """``32.0 (5/18 judged)``: accuracy under valid attack and how many successes were judged; ``–``
    when none was."""
    judged = (validity or {}).get("judged_successes", 0)
    if not judged:
        return MISSING
    return f"{number(validity['accuracy_under_valid_attack']['value'])} ({judged}/{validity['successes']} judged)"


def lang_label(lang: str, low: list[str]) -> str:
    """A language code, marked ``†`` when it is low-resource."""
    return f"{lang} †" if lang in low else lang


def pool_label(row: dict, low: list[str]) -> str:
    """A comparison row's languages: ``ja †`` or, pooled, ``ja ko zh †``."""
    if len(row.get("langs") or [row["lang"]]) == 1:
        return lang_label(row["lang"], low)
    return " ".join(row["langs"]) + (" †" if row["low_resource"] else "")


def test_label(method: str | None) -> str:
    """Short name of the test that gave a row's p: ``exact``, ``χ²`` or ``–``."""
    if not method or method == "no discordant pairs":
        return MISSING
    return "exact" if "exact" in method else "χ²"
