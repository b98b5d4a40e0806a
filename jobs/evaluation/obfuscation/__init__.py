"""The generator of the obfuscated Chinese corpus and its ground truth, by stage:

* :mod:`~jobs.evaluation.obfuscation.text`: 12-grams, sentence units,
  formulaic lines, the check that documents share no text outside cases;
* :mod:`~jobs.evaluation.obfuscation.pool`: the real (or made-up) text,
  each 12-gram handed out once;
* :mod:`~jobs.evaluation.obfuscation.plan`: cases by level and band, grouped
  by document, and where passages are cut;
* :mod:`~jobs.evaluation.obfuscation.captions` and
  :mod:`~jobs.evaluation.obfuscation.levels`: how a passage is obfuscated at
  each level;
* :mod:`~jobs.evaluation.obfuscation.corpus`: the documents assembled and
  written with ``truth.tsv`` and ``docs.tsv``.

``jobs/obfuscation_corpus.py`` is its command line.
"""
