"""Statistical constants, one name for each number.

>>> from dealvalue.stats import Z_90, Z_95
>>> round(Z_90, 4), round(Z_95, 4)
(1.6449, 1.96)
"""

from __future__ import annotations

__all__ = ["Z_90", "Z_95"]

#: Half-width, in standard deviations, of a central 90% interval of a normal
#: distribution (its 95th percentile): ``a to b`` puts a and b this far from the centre.
Z_90 = 1.6448536269514722

#: Half-width of a central 95% interval (the 97.5th percentile): error bars and
#: confidence intervals of Monte Carlo estimates.
Z_95 = 1.959963984540054
