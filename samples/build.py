"""Write the sample campaign templates next to this script.

Usage: ``python samples/build.py`` (from anywhere). Each entry of
:data:`samples.SAMPLES` becomes ``samples/<stem>.xlsx``, a filled campaign template that
``reportbot campaign import`` reads back to the same campaign.
"""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))  # so that a plain checkout runs without installing

from reports.template import write_template  # noqa: E402
from samples import SAMPLES  # noqa: E402


def main() -> None:
    """Write every sample template and print the paths written."""
    for stem, build in SAMPLES.items():
        path = HERE / f"{stem}.xlsx"
        path.write_bytes(write_template(build()))
        print(path)


if __name__ == "__main__":
    main()
