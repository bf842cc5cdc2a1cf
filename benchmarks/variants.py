"""The scenarios the scaling figures compare: the baseline with bigger raids, or a longer horizon.

Changes are made on the scenario's plain data and validated again, so a variant is a scenario a
user could have written, not a patched object.
"""

from __future__ import annotations

from typing import Any

from peacesim.scenario.schema import Scenario

#: Distribution parameters that are probabilities or weights, not magnitudes: never scaled.
_NOT_MAGNITUDES = {"dist", "weights"}


def scale_distribution(spec: dict[str, Any], factor: float) -> dict[str, Any]:
    """A distribution spec whose draws are ``factor`` times larger (every family here is linear in its parameters)."""
    out: dict[str, Any] = {}
    for key, value in spec.items():
        if key in _NOT_MAGNITUDES or isinstance(value, bool):
            out[key] = value
        elif isinstance(value, (int, float)):
            out[key] = value * factor
        elif isinstance(value, list):
            out[key] = [v * factor for v in value]
        else:
            out[key] = value
    return out


def _data(scenario: Scenario) -> dict[str, Any]:
    return scenario.model_dump(by_alias=True)


def bigger_raids(scenario: Scenario, factor: float = 10.0) -> Scenario:
    """Every raid ``factor`` times larger (same raid frequency, targets and defences)."""
    data = _data(scenario)
    for raid in data["threats"]["air_raids"]:
        raid["raid_size"] = scale_distribution(raid["raid_size"], factor)
    return Scenario.model_validate(data)


def longer_horizon(scenario: Scenario, factor: int = 4) -> Scenario:
    """The same scenario run ``factor`` times longer (timeline changes stay on their days)."""
    data = _data(scenario)
    data["metadata"]["horizon_days"] = int(scenario.metadata.horizon_days) * factor
    return Scenario.model_validate(data)
