#!/usr/bin/env python3
"""Format/count/label-consistency check for the tenth held-out corpora (standard library only).

Usage: python3 tests/heldout10/validate.py [DIR]
The checks are those of tests/heldout/validate.py, which this runs on the
files in DIR (default: this file's folder) with this corpus's ids and counts.
It does not run or import the moderation engine.
"""
import importlib.util
import os
import sys

_HERE = os.path.dirname(os.path.abspath(__file__))
_SPEC = importlib.util.spec_from_file_location("heldout_validate", os.path.join(_HERE, "..", "heldout", "validate.py"))
heldout = importlib.util.module_from_spec(_SPEC)
_SPEC.loader.exec_module(heldout)

LIMITS = heldout.later_set_limits(_HERE)

if __name__ == "__main__":
    sys.exit(heldout.main(LIMITS, _HERE))
