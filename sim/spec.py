"""What every input model shares: strict keys, frozen values, finite numbers.

The schema and the mechanisms that define their own settings (consular, work,
costs, planning, talks) all build on these, so a file is read by one set of rules.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, model_validator

#: Unknown keys are errors, values are frozen, infinity and NaN are refused.
STRICT = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


class Strict(BaseModel):
    """An input model read by the strict rules."""

    model_config = STRICT


class Triangular(Strict):
    """A triangular distribution's ``low``, ``mode`` and ``high``, in that order."""

    low: Any
    mode: Any
    high: Any

    @model_validator(mode="after")
    def _ordered(self) -> Triangular:
        if not self.low <= self.mode <= self.high:
            raise ValueError("needs low <= mode <= high")
        return self
