"""Driver script for spark-submit: ``spark-submit .../onrecord/spark/__main__.py INPUT... --out DIR``.

The same as ``onrecord spark analyse INPUT... --out DIR``; spark-submit's --master applies.
"""
from __future__ import annotations

import sys

from onrecord.cli import main

if __name__ == "__main__":
    main(["spark", "analyse", *sys.argv[1:]], prog_name="onrecord spark analyse")
