"""Data: validated PAWS-X examples from the bundled dev split, the hub or local files."""

from .examples import LABELS, Example, RowProblem, Sample
from .loaders import bundled_languages, load_examples

__all__ = ["LABELS", "Example", "RowProblem", "Sample", "bundled_languages", "load_examples"]
