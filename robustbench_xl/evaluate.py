"""``rbx eval``: clean (unattacked) accuracy of any checkpoint, per language, with the attacks' label mapping.

What it does: loads the model exactly as ``rbx attack`` does (:func:`models.loading.load_victim`: a
shipped victim id, a local folder or a hub id, ``--label-map`` for odd label names) and classifies
PAWS-X pairs through the attacks' own wrapper (batched, dynamically padded, probabilities in task-label
order 0 = not paraphrase, 1 = paraphrase), so the accuracy it reports is the clean accuracy an attack
starts from. Per language: n, correct, accuracy with a 95% Wilson interval, the majority-class rate,
the share predicted "paraphrase" and the confusion counts (tp fp tn fn, paraphrase = positive).
``n`` draws the same seeded sample of ids as attacks and model cards do.
Languages: en de es fr ja ko zh (``all``). Limits: PAWS-X-shaped data only (sentence pairs, binary
labels); the bundled dev split offline, other splits through the hub or a local file. ``device`` and
``precision`` are checked as ``rbx attack`` checks them; ``victim=`` evaluates any
:class:`~robustbench_xl.models.victim.Victim` instead of a checkpoint.
Example::

    report = evaluate_model("e5s-full-standard-s0", langs=["ko", "ja"], n=200)
    report["languages"]["ko"]["accuracy"], report["languages"]["ko"]["ci95"]
    # rbx eval --model e5s-full-standard-s0 --langs ko,ja --n 200 --json report.json
"""

from __future__ import annotations

import time

from robustbench_xl.attack_defaults import ATTACK_DEFAULTS as DEFAULTS
from robustbench_xl.errors import RbxError
from robustbench_xl.lang.languages import language_codes, validate_lang
from robustbench_xl.models.victim_card import confusion_row  # one row format: rbx eval and model cards


def parse_langs(spec: str | list[str] | tuple[str, ...]) -> list[str]:
    """``all`` or a comma list of codes, validated, in the registry's order, without repeats."""
    items = spec.split(",") if isinstance(spec, str) else list(spec)
    items = [item.strip() for item in items if item.strip()]
    if not items:
        raise RbxError("--langs is empty; give 'all' or codes such as ko,ja,zh")
    if any(item.lower() == "all" for item in items):
        return language_codes()
    chosen = {validate_lang(item) for item in items}
    return [code for code in language_codes() if code in chosen]


def evaluate_model(model: str | None = None, langs: str | list[str] = "all", dataset: str = DEFAULTS.dataset,
                   split: str = DEFAULTS.split, n: int | None = None, seed: int = DEFAULTS.seed,
                   batch_size: int = DEFAULTS.batch_size, max_length: int = DEFAULTS.max_length,
                   label_map: str | None = None, trust_remote_code: bool = False, device: str = DEFAULTS.device,
                   columns: str | None = None, precision: str = DEFAULTS.precision,
                   victim=None) -> dict:
    """Clean accuracy per language (see module doc); ``model=None`` is the default victim."""
    from robustbench_xl.data import load_examples
    from robustbench_xl.models.loading import load_victim
    from robustbench_xl.models.victim import check_victim, resolve_device_precision, runtime_record
    from robustbench_xl.models.wrapper import PairClassifierWrapper

    codes = parse_langs(langs)
    if victim is not None:
        if model is not None:
            raise RbxError("give model= (a checkpoint to load) or victim= (a classifier), not both")
        check_victim(victim)
        device = str(getattr(victim, "device", None) or device)
    device, precision = resolve_device_precision(device, precision)
    if victim is None:
        victim = load_victim(model, label_map=label_map, trust_remote_code=trust_remote_code, device=device)
    wrapper = PairClassifierWrapper(victim, max_length=max_length, batch_size=batch_size, precision=precision,
                                    device=device)
    started = time.perf_counter()
    report = {"model": {"id": victim.id, "fingerprint": victim.fingerprint,
                        "label_order": list(victim.label_order)},
              "dataset": dataset, "split": split, "n_requested": n, "seed": seed, "max_length": max_length,
              "device": device, "precision": precision, "runtime": runtime_record(device, precision),
              "languages": {}}
    for code in codes:
        sample = load_examples(dataset, code, split, n=n, seed=seed, columns=columns)
        examples = list(sample)
        probabilities = wrapper.predict_pairs([(e.sentence1, e.sentence2) for e in examples])
        predicted = [int(row.argmax()) for row in probabilities]
        row = confusion_row([e.label for e in examples], predicted)
        row["source"] = sample.source
        report["languages"][code] = row
    report["wall_s"] = round(time.perf_counter() - started, 2)
    report["pairs"] = sum(row["n"] for row in report["languages"].values())
    return report


__all__ = ["confusion_row", "evaluate_model", "parse_langs"]
