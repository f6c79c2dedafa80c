"""Lexical resources: bilingual dictionaries (MUSE) and wordnets (OMW), bundled subsets and loaders.

What: what the dictionary-based transformations look words up in.

* :func:`load_dictionary` (``source``, ``target``, optional MUSE file) -> :class:`BilingualDictionary`;
* :func:`load_wordnet` (``lang``, optional OMW ``.tab`` file) -> :class:`WordNet`;
* :class:`PivotSynonyms`: same-language synonyms confirmed by translations or small synsets;
* :mod:`.lexicon`: look-up keys, Korean noun stems and particles, names, function words;
* :mod:`.build`: regenerates the bundled subsets from the reference data (developers only).

Languages: bundled dictionaries for {de es fr ja ko zh} <-> en (other pairs by composition through
English); wordnets for de es fr ja ko zh.

Limits: the bundled subsets cover the words of the bundled PAWS-X dev text (a few hundred KB in
all; sizes in ``ATTRIBUTION.md`` and ``manifest.json``). MUSE is CC BY-NC 4.0 (non-commercial), the
wordnets CC BY-SA 3.0.

Example::

    >>> load_dictionary("ko", "en").translations("남편")
    ('husbands', 'hubby', 'husband')
"""

from .dictionaries import BilingualDictionary, bundled_pairs, load_dictionary
from .pivots import PivotSynonyms, Synonym, pivot_synonyms
from .wordnet import WordNet, load_wordnet

__all__ = ["BilingualDictionary", "PivotSynonyms", "Synonym", "WordNet", "bundled_pairs", "load_dictionary",
           "load_wordnet", "pivot_synonyms"]
