"""The two sample campaigns, built from real plans in ``shared/seeds`` (see its README).

``samples/build.py`` writes each one as a filled campaign template (``samples/<stem>.xlsx``);
code that needs a sample campaign uses these functions directly. Neither is marked
``is_sample``: the loader does that when it shifts a sample to the current year.

Modules: :mod:`samples.nga_nam` (Ngã Năm 2023), :mod:`samples.xuan_son` (Xuân Sơn 2022),
:mod:`samples.parts` (the element, unit and title builders both use), ``build.py`` (the script
that writes the workbooks). The package is pure: spec builders only, no I/O on import.

Modelling rules used in both:

* every share in a plan ("tỷ lệ ... đạt 95,15%") is a computed indicator row (aggregation RATIO,
  value type percentage, unit "%", the plan's target) over two entered count rows, so that the
  town total is recomputed from the summed counts, never averaged; count rows that serve as
  denominators carry no target;
* amounts (tonnes, VND) are summed; yearly production and revenue are entered year-to-date
  (cumulative, "lũy kế"), so the last period of the year holds the annual figure;
* counts have minimum 0, percentages minimum 0 and maximum 100.
"""

from __future__ import annotations

from collections.abc import Callable

from domain.campaign_spec import CampaignSpec
from samples.nga_nam import nga_nam_2023
from samples.xuan_son import xuan_son_2022

__all__ = ["SAMPLES", "nga_nam_2023", "xuan_son_2022"]

SAMPLES: dict[str, Callable[[], CampaignSpec]] = {
    "nga-nam-2023": nga_nam_2023,
    "xuan-son-2022": xuan_son_2022,
}
"""Sample campaigns by file stem: ``samples/<stem>.xlsx`` = ``write_template(SAMPLES[stem]())``."""
