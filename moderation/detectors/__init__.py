"""The detectors, one module each: every one reads the normalised text and reports `Signal`s with spans.

In the order the engine runs them (see `engine.py` for why): `vulgarity`
(the lexicon in every disguise, and masks), `phrases` (civility rules over
word lists), `shouting`, `spam`, `language`, then `relevance` against the
article. A detector knows nothing of actions: the rules turn its signals
into reasons.
"""
