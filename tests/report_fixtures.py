"""Synthetic results for the report tests: a real Scenario, made-up replications.

The report layer must be testable without the model, so these builders make ``RunResult`` and
``Comparison`` objects with the same shapes the experiment layer produces: per-replication metric
arrays, t-interval summaries and daily 10th/50th/90th-percentile bands. Numbers are drawn from a
seeded generator, so every test sees the same values.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import yaml
from scipy import stats

from peacesim.experiment.results import Comparison, Difference, MetricSummary, RunResult, SeriesBand
from peacesim.scenario.schema import Scenario

HORIZON = 120
ZONES = ("kyiv", "odesa", "lviv", "contact_line", "zaporizhzhia_npp")
SYSTEMS = ("us_patriot", "fr_samp")
XSS = "<script>alert('xss')</script>"


def scenario_dict(description: str = "Hundreds of British and French troops, backed by ten nations.") -> dict[str, Any]:
    """A small but complete scenario in the shape users write."""
    return {
        "metadata": {
            "name": "baseline",
            "title": "Reassurance force with US enablers",
            "description": description,
            "horizon_days": HORIZON,
            "replications": 20,
            "seed": 20250819,
            "claims": ["C01", "C02"],
            "sources": {
                "seed": {
                    "title": "Japan Set to Contribute to Ukraine's Security",
                    "publisher": "seed article (Bloomberg as reported)",
                    "date": "2025-08-19",
                },
                "iiss": {"title": "A European Reassurance Force for Ukraine", "publisher": "IISS", "date": "2025-04"},
            },
        },
        "zones": [
            {"id": "kyiv", "name": "Kyiv", "kind": "capital", "lat": 50.45, "lon": 30.52, "troops_required": 400,
             "priority": 1, "needs_air_defence": True},
            {"id": "odesa", "name": "Odesa port", "kind": "port", "lat": 46.48, "lon": 30.73, "troops_required": 300,
             "priority": 2, "needs_air_defence": True},
            {"id": "lviv", "name": "Lviv logistics hub", "kind": "logistics_hub", "lat": 49.84, "lon": 24.03,
             "troops_required": 200, "priority": 3},
            {"id": "contact_line", "name": "Ceasefire line", "kind": "ceasefire_line", "lat": 47.9, "lon": 36.5,
             "troops_required": 600, "priority": 2, "length_km": 1200, "needs_surveillance": True},
            {"id": "zaporizhzhia_npp", "name": "Zaporizhzhia NPP", "kind": "infrastructure", "lat": 47.51,
             "lon": 34.58, "troops_required": 150, "priority": 4, "needs_air_defence": True},
        ],
        "lift": [{"mode": "air", "capacity_units": 2, "sources": {"capacity_units": "assumption"}}],
        "forces": [
            {"id": "uk", "nation": "United Kingdom", "troops_per_unit": 500, "rotation_depth": 3, "tour_days": 180,
             "recovery_days": 30, "training_days": 90, "tasks": ["guard", "patrol", "quick_reaction"],
             "qrf_teams": 2, "base_zone": "kyiv",
             "deployment_delay_days": {"dist": "triangular", "low": 5, "mode": 10, "high": 20},
             "claims": ["C01"], "sources": {"troops_per_unit": "seed", "rotation_depth": "iiss"}},
            {"id": "fr", "nation": "France", "troops_per_unit": 500, "tour_days": 120, "tasks": ["guard", "patrol"],
             "claims": ["C01"], "sources": {"troops_per_unit": "seed"},
             "caveats": {"excluded_zone_kinds": ["ceasefire_line"]}},
            {"id": "coalition", "nation": "Ten supporting nations", "troops_per_unit": 400, "tour_days": 180,
             "tasks": ["monitoring", "medical"], "claims": ["C02"]},
        ],
        "enablers": {
            "isr": [{"id": "us_isr", "provider": "United States", "detection_probability": 0.8,
                     "warning_time_hours": {"dist": "exponential", "mean": 6}, "zones": ["contact_line", "lviv"],
                     "claims": ["C03"], "sources": {"detection_probability": "assumption"}}],
            "air_defence": [
                {"id": "us_patriot", "provider": "United States", "system": "Patriot", "batteries": 2, "stock": 120,
                 "kill_probability": {"cruise": 0.85, "ballistic": 0.7}, "shots_per_threat": {"ballistic": 2},
                 "zones": ["kyiv", "zaporizhzhia_npp"], "end_day": 90, "claims": ["C03"]},
                {"id": "fr_samp", "provider": "France", "system": "SAMP/T", "batteries": 1, "stock": 60,
                 "kill_probability": {"cruise": 0.8, "drone": 0.6}, "zones": ["odesa"]},
            ],
            "armaments": [{"id": "us_pac3", "provider": "United States", "item": "PAC-3 interceptors",
                           "quantity_per_month": 10, "into_system": "us_patriot"}],
        },
        "threats": {
            "incidents": [{"id": "violations", "kind": "ceasefire_violation", "zones": ["contact_line"],
                           "rate_per_day": 0.5}],
            "air_raids": [{"id": "drones", "threat_type": "drone", "interval_days": {"dist": "exponential", "mean": 3},
                           "raid_size": {"dist": "poisson", "mean": 20}, "target_weights": {"kyiv": 2, "odesa": 1}}],
        },
        "timeline": [{"day": 90, "change": "withdraw", "target": "us_patriot"}],
        "variants": {"no_us_air_defence": {"description": "Without US air defence",
                                            "remove": ["enablers.air_defence.us_patriot"]}},
    }


def make_scenario(**kwargs: Any) -> Scenario:
    """The fixture scenario, validated by the real schema."""
    return Scenario.model_validate(scenario_dict(**kwargs))


def no_us_air_defence() -> Scenario:
    """The 'no US air defence' variant as the loader would resolve it (Patriot and its refills gone)."""
    raw = scenario_dict()
    raw["metadata"]["variant"] = "no_us_air_defence"
    raw["enablers"]["air_defence"] = [a for a in raw["enablers"]["air_defence"] if a["id"] != "us_patriot"]
    raw["enablers"]["armaments"] = []
    raw["timeline"] = []
    return Scenario.model_validate(raw)


def summarise(values: np.ndarray, confidence: float = 0.95) -> MetricSummary:
    """Student-t summary of one metric, ignoring NaN (as the experiment layer does)."""
    v = values[~np.isnan(values)]
    n = len(v)
    if n == 0:
        nan = float("nan")
        return MetricSummary(nan, nan, nan, nan, nan, nan, nan, 0)
    mean = float(v.mean())
    std = float(v.std(ddof=1)) if n > 1 else 0.0
    half = float(stats.t.ppf(0.5 + confidence / 2, n - 1) * std / np.sqrt(n)) if n > 1 else float("nan")
    p10, p50, p90 = (float(x) for x in np.percentile(v, [10, 50, 90]))
    return MetricSummary(mean, std, mean - half, mean + half, p10, p50, p90, n)


def _band(samples: np.ndarray) -> SeriesBand:
    """Band over replications (rows) of a daily series (columns)."""
    return SeriesBand(samples.mean(axis=0), np.percentile(samples, 10, axis=0), np.percentile(samples, 90, axis=0))


@dataclass
class Effects:
    """Knobs that make one synthetic run differ from another (e.g. no US air defence)."""

    coverage: float = 0.75
    leak_rate: float = 0.1
    response_hours: float = 1.5
    stocks: dict[str, float] = field(default_factory=lambda: {"us_patriot": 120.0, "fr_samp": 60.0})


def make_run(
    scenario: Scenario | None = None,
    *,
    replications: int = 20,
    seed: int = 7,
    variant: str | None = None,
    run_id: str = "r-0001",
    effects: Effects | None = None,
    common_seed: int = 1,
) -> RunResult:
    """A RunResult with every metric and series the report draws.

    ``common_seed`` drives the shared noise (the common random numbers), ``seed`` the run's own
    noise, so paired differences between two runs made with the same ``common_seed`` are sharp.
    """
    scenario = scenario or make_scenario()
    fx = effects or Effects()
    common = np.random.default_rng(common_seed)
    own = np.random.default_rng(seed)
    n, days = replications, HORIZON
    t = np.arange(days, dtype=float)
    ramp = 1.0 / (1.0 + np.exp(-(t - 20.0) / 5.0))
    shared = common.normal(0, 0.05, (n, 1))
    series_samples: dict[str, np.ndarray] = {}
    per_zone = []
    for k, z in enumerate(ZONES):
        level = np.clip(fx.coverage + 0.2 - 0.1 * k + shared + own.normal(0, 0.02, (n, 1)), 0, 1)
        cov = np.clip(level * ramp + own.normal(0, 0.01, (n, days)), 0, 1)
        series_samples[f"coverage.{z}"] = cov
        series_samples[f"surveillance.{z}"] = np.full((n, days), 0.8 if z in ("contact_line", "lviv") else 0.0)
        per_zone.append(cov)
    series_samples["coverage"] = np.mean(per_zone, axis=0)
    deployed = 1400 * ramp * (1 + shared) + own.normal(0, 20, (n, days))
    series_samples["troops.deployed"] = np.maximum(deployed, 0)
    series_samples["troops.in_transit"] = np.maximum(300 * np.exp(-((t - 15) / 8) ** 2) + own.normal(0, 5, (n, days)), 0)
    series_samples["troops.recovering"] = np.maximum(200 * (t > 60) + own.normal(0, 5, (n, days)), 0)
    series_samples["troops.training"] = np.maximum(800 - 2 * t + own.normal(0, 5, (n, days)), 0)
    leaks_daily = common.poisson(fx.leak_rate * 5, (n, days)).astype(float)
    series_samples["leakers_cumulative.kyiv"] = np.cumsum(leaks_daily * 0.6, axis=1)
    series_samples["leakers_cumulative.odesa"] = np.cumsum(leaks_daily * 0.4, axis=1)
    series_samples["leakers_cumulative"] = np.cumsum(leaks_daily, axis=1)
    series_samples["incidents_cumulative"] = np.cumsum(common.poisson(0.5, (n, days)), axis=1).astype(float)
    for sys_id, start in fx.stocks.items():
        use = common.poisson(1.2, (n, days))
        series_samples[f"stock.{sys_id}"] = np.maximum(start - np.cumsum(use, axis=1), 0).astype(float)

    metrics: dict[str, np.ndarray] = {
        "coverage_mean": series_samples["coverage"].mean(axis=1),
        "coverage_min": series_samples["coverage"][:, 30:].min(axis=1),
        "ioc_day": 15 + common.normal(0, 2, n),
        "foc_day": np.where(own.random(n) < 0.8, 40 + common.normal(0, 4, n), np.nan),
        "troops_committed": np.full(n, 1400.0),
        "troops_deployed_mean": series_samples["troops.deployed"].mean(axis=1),
        "troops_in_theatre_mean": series_samples["troops.deployed"].mean(axis=1),
        "troops_in_theatre_min": 0.8 * series_samples["troops.deployed"].mean(axis=1),
        "presence_share": np.clip(0.95 + common.normal(0, 0.02, n), 0, 1),
        "worst_presence_share": np.clip(0.9 + common.normal(0, 0.03, n), 0, 1),
        "longest_gap_days": np.maximum(common.normal(3, 2, n), 0),
        "incidents": series_samples["incidents_cumulative"][:, -1],
        "detection_rate": np.clip(0.8 + common.normal(0, 0.03, n), 0, 1),
        "warning_time_mean_hours": 6 + common.normal(0, 0.5, n),
        "response_time_mean_hours": fx.response_hours + common.normal(0, 0.2, n) + own.normal(0, 0.05, n),
        "response_time_p90_hours": 2 * fx.response_hours + common.normal(0, 0.4, n),
        "response_within_target_share": np.clip(0.7 + common.normal(0, 0.05, n), 0, 1),
        "threats": 800 + common.normal(0, 30, n),
        "intercept_rate": np.clip(1 - fx.leak_rate + common.normal(0, 0.02, n), 0, 1),
        "leakers": series_samples["leakers_cumulative"][:, -1],
        "leakers.kyiv": series_samples["leakers_cumulative.kyiv"][:, -1],
        "leakers.odesa": series_samples["leakers_cumulative.odesa"][:, -1],
    }
    for sys_id in fx.stocks:
        stock = series_samples[f"stock.{sys_id}"]
        out = np.argmax(stock <= 0, axis=1).astype(float)
        out[~(stock <= 0).any(axis=1)] = np.nan
        metrics[f"stockout_day.{sys_id}"] = out
        metrics[f"cover_days.{sys_id}"] = (stock > 0).sum(axis=1).astype(float)
        metrics[f"kills.{sys_id}"] = 0.6 * (stock[:, 0] - stock[:, -1])
    metrics["package_kills"] = sum((metrics[f"kills.{k}"] for k in fx.stocks), np.zeros(n))
    metrics["missiles_leaked_defended"] = 0.05 * metrics["leakers"]
    text = yaml.safe_dump(scenario.model_dump(mode="json", by_alias=True, exclude_none=True), sort_keys=False)
    return RunResult(
        scenario_name=scenario.metadata.name,
        variant=variant,
        seed=seed,
        replications=n,
        metrics=metrics,
        summary={k: summarise(v) for k, v in metrics.items()},
        series={k: _band(v) for k, v in series_samples.items()},
        scenario_text=text,
        scenario_hash="0123456789abcdef" * 4,
        run_id=run_id,
    )


def make_pair() -> tuple[RunResult, RunResult]:
    """A baseline and a 'no US air defence' variant sharing common random numbers."""
    base = make_run(run_id="r-base")
    worse = make_run(
        no_us_air_defence(),
        variant="no_us_air_defence",
        run_id="r-noad",
        effects=Effects(leak_rate=0.16, stocks={"fr_samp": 60.0}),
        seed=8,
    )
    return base, worse


def _nanmean(values: np.ndarray) -> float:
    """Mean of the defined values; NaN (without a warning) when none is defined."""
    v = values[~np.isnan(values)]
    return float(v.mean()) if v.size else float("nan")


def paired_comparison(reference: RunResult, others: list[RunResult], confidence: float = 0.95) -> Comparison:
    """Paired t-interval differences, as the experiment layer's compare() will compute them."""
    diffs: dict[str, list[Difference]] = {}
    for other in others:
        rows = []
        for name in sorted(set(reference.metrics) & set(other.metrics)):
            a, b = reference.metrics[name], other.metrics[name]
            ok = ~np.isnan(a) & ~np.isnan(b)
            d = b[ok] - a[ok]
            s = summarise(d, confidence)
            rows.append(Difference(name, _nanmean(a), _nanmean(b), s.mean, s.ci_low, s.ci_high, s.n))
        diffs[other.label] = rows
    return Comparison(reference=reference, others=others, differences=diffs, confidence=confidence)


@dataclass(frozen=True)
class FakeClaim:
    """The fields of a claims-register entry that the report shows."""

    id: str
    actor: str
    commitment: str
    firmness: str
    quantity: str | None = None


@dataclass(frozen=True)
class FakeRegister:
    """Duck-typed stand-in for peacesim.scenario.claims.ClaimsRegister."""

    claims: list[FakeClaim]


def fake_register() -> FakeRegister:
    return FakeRegister(
        [
            FakeClaim("C01", "United Kingdom and France", "deploy hundreds of troops under a peace agreement",
                      "conditional", "hundreds"),
            FakeClaim("C02", "About ten mostly European nations", "support the UK-French force", "stated"),
            FakeClaim("C03", "United States", "intelligence sharing, border surveillance and possibly air defence",
                      "potential"),
        ]
    )
