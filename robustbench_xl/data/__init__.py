"""Data: validated PAWS-X examples from the bundled dev split, the hub or local files."""

from .examples import LABELS, Example, RowProblem, Sample
from .loaders import load_examples

__all__ = ["LABELS", "Example", "RowProblem", "Sample", "load_examples"]
