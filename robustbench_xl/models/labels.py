"""Map a checkpoint's output classes onto the task's labels (0 = not paraphrase, 1 = paraphrase).

Checkpoints name their classes in many ways: ``paraphrase``/``not_paraphrase``, ``LABEL_0``/``LABEL_1``,
``yes``/``no``, ``equivalent``/``not_equivalent`` (MRPC style), sometimes in reversed order. rbx reads
``config.id2label``; ``--label-map paraphrase=LABEL_0,not_paraphrase=LABEL_1`` (names or indices)
overrides it.
"""

from __future__ import annotations

import re

from ..errors import RbxError

_NEGATIVE = {"not_paraphrase", "not paraphrase", "non_paraphrase", "nonparaphrase", "not_equivalent",
             "not equivalent", "no", "false", "different", "not_duplicate", "0", "label_0", "negative"}
_POSITIVE = {"paraphrase", "equivalent", "yes", "true", "same", "duplicate", "1", "label_1", "positive"}


def _norm(name) -> str:
    return re.sub(r"[\s\-]+", "_", str(name).strip().lower())


def label_order_from_config(id2label: dict | None, num_labels: int) -> tuple[int, int]:
    """Model output index for task label 0 and for task label 1."""
    if num_labels != 2:
        raise RbxError(f"the checkpoint has {num_labels} output labels; PAWS-X is a 2-class task "
                       "(not paraphrase / paraphrase)")
    if not id2label:
        return (0, 1)
    names = {int(i): _norm(name) for i, name in id2label.items()}
    neg = [i for i, n in names.items() if n in _NEGATIVE or n.replace("_", "") in {x.replace("_", "") for x in _NEGATIVE}]
    pos = [i for i, n in names.items() if n in _POSITIVE]
    if len(neg) == 1 and len(pos) == 1 and neg != pos:
        return (neg[0], pos[0])
    raise RbxError(f"cannot tell which output means 'paraphrase' from id2label {dict(id2label)}; "
                   "pass --label-map paraphrase=NAME,not_paraphrase=NAME")


def parse_label_map(spec: str, id2label: dict | None, num_labels: int) -> tuple[int, int]:
    """``paraphrase=X,not_paraphrase=Y`` where X, Y are model label names or indices."""
    if num_labels != 2:
        raise RbxError(f"the checkpoint has {num_labels} output labels; PAWS-X needs 2")
    by_name = {_norm(name): int(i) for i, name in (id2label or {}).items()}
    found: dict[str, int] = {}
    for part in spec.split(","):
        if "=" not in part:
            raise RbxError(f"--label-map entries look like paraphrase=NAME; got {part!r}")
        key, value = (_norm(x) for x in part.split("=", 1))
        if key not in ("paraphrase", "not_paraphrase"):
            raise RbxError(f"--label-map keys are 'paraphrase' and 'not_paraphrase'; got {key!r}")
        if value in by_name:
            found[key] = by_name[value]
        elif value.isdigit() and int(value) < num_labels:
            found[key] = int(value)
        else:
            raise RbxError(f"--label-map: {value!r} is not a label of this checkpoint "
                           f"({', '.join(sorted(by_name)) or '0, 1'})")
    if set(found) != {"paraphrase", "not_paraphrase"} or found["paraphrase"] == found["not_paraphrase"]:
        raise RbxError("--label-map needs two different labels: paraphrase=...,not_paraphrase=...")
    return (found["not_paraphrase"], found["paraphrase"])
