"""Executors: where a plan's cells run (this process, local worker processes, a Ray cluster).

Every executor takes a list of plain-dict tasks and yields one result dict per task as cells finish
(:func:`robustbench_xl.executors.task.run_cell` does the work everywhere), so a cell's results are
byte-identical whichever executor ran it. Ray is imported only when the Ray executor is used.
"""

from .local import LocalPool, available_cores, run_inline
from .task import run_cell

__all__ = ["LocalPool", "available_cores", "run_inline", "run_cell"]
