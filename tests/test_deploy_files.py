"""What can be checked of the deployment files without Docker or Grafana: promtool on the alert
rules and the Prometheus config; every PromQL expression names metrics (and labels) the gateway
exports; the compose file, Dockerfile, .dockerignore, systemd unit and constraints agree with
the repository and with the settings."""

from __future__ import annotations

import configparser
import fnmatch
import json
import re
import subprocess
import tomllib
from typing import Any

import pytest
import yaml

from gateway.metrics import Metrics
from gateway.settings import load_settings
from tests.conftest import ROOT, require_tool

DEPLOY = ROOT / "deploy"
# Prometheus adds these to every scraped series; `up` is Prometheus's own per-target series
SCRAPE_LABELS = {"instance", "job"}
PROMQL_WORDS = {
    "sum", "max", "min", "avg", "by", "without", "rate", "increase", "histogram_quantile",
    "humanizeDuration", "on", "ignoring", "and", "or", "unless", "count", "le",
}  # fmt: skip


def exported() -> dict[str, set[str]]:
    """Sample name → label names, read from the exposition of a gateway's registry."""
    metrics = Metrics()
    samples: dict[str, set[str]] = {"up": set()}
    for family in metrics.registry.collect():
        labels: set[str] = set()
        for collector in metrics.registry._names_to_collectors.values():  # label names
            if getattr(collector, "_name", None) == family.name:
                labels = set(getattr(collector, "_labelnames", ()))
        suffixes = {
            "counter": ("_total",),
            "histogram": ("_bucket", "_sum", "_count"),
        }.get(family.type, ("",))
        for suffix in suffixes:
            samples[family.name + suffix] = labels | ({"le"} if suffix == "_bucket" else set())
    return samples


def expressions() -> list[tuple[str, str]]:
    rules = yaml.safe_load((DEPLOY / "alerts.yml").read_text(encoding="utf-8"))
    found = [
        (f"alerts.yml {rule['alert']}", rule["expr"])
        for group in rules["groups"]
        for rule in group["rules"]
    ]
    dashboard = json.loads((DEPLOY / "grafana-dashboard.json").read_text(encoding="utf-8"))
    for panel in dashboard["panels"]:
        found += [(f"dashboard {panel['title']}", t["expr"]) for t in panel["targets"]]
    return found


def test_promtool_accepts_the_rules_and_the_prometheus_config() -> None:
    promtool = require_tool("promtool", "Debian prometheus: checks deploy/alerts.yml")
    for args in (["check", "rules", "alerts.yml"], ["check", "config", "prometheus.yml"]):
        result = subprocess.run(
            [promtool, *args], cwd=DEPLOY, capture_output=True, text=True, timeout=60
        )
        assert result.returncode == 0, result.stdout + result.stderr


def test_alerts_cover_what_the_issue_lists() -> None:
    used = " ".join(expr for name, expr in expressions() if name.startswith("alerts.yml"))
    for metric in (
        "dlp_quarantine_oldest_pending_seconds",  # queue age
        "dlp_quarantine_pending",  # pending count
        "dlp_unscannable_total",  # unscannable spikes
        "dlp_relay_errors_total",  # relay errors
        'dlp_scope_reloads_total{result="error"}',  # reload failures
        "dlp_notify_failures_total",  # notice failures
        "dlp_worker_restarts_total",  # worker restarts
    ):
        assert metric in used


@pytest.mark.parametrize(("where", "expr"), expressions(), ids=lambda v: str(v)[:60])
def test_every_expression_names_exported_metrics_and_labels(where: str, expr: str) -> None:
    samples = exported()
    without_strings = re.sub(r'"[^"]*"', '""', expr)
    without_ranges = re.sub(r"\[[^\]]*\]", "", without_strings)
    names = {
        word
        for word in re.findall(r"[A-Za-z_][A-Za-z0-9_]*", without_ranges)
        if word not in PROMQL_WORDS
    }
    grouped = {
        label.strip()
        for group in re.findall(r"\b(?:by|without)\s*\(([^)]*)\)", without_ranges)
        for label in group.split(",")
    }
    selectors = set(re.findall(r"\{([^}]*)\}", without_strings))
    matched = {m.split("=")[0].strip() for s in selectors for m in s.split(",") if m.strip()}
    metric_names = {n for n in names if n.startswith("dlp_") or n == "up"}
    assert metric_names, f"{where}: no metric in {expr!r}"
    assert metric_names <= set(samples), f"{where}: unknown {metric_names - set(samples)}"
    labels = set().union(*(samples[n] for n in metric_names)) | SCRAPE_LABELS
    assert (grouped | matched) - {""} <= labels, f"{where}: {expr!r}"
    leftovers = names - metric_names - grouped - matched
    assert not leftovers, f"{where}: {leftovers} in {expr!r}"


def _compose() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load((DEPLOY / "compose.yaml").read_text(encoding="utf-8"))
    return loaded


def _env_example() -> dict[str, str]:
    pairs = {}
    for line in (DEPLOY / "env.example").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            key, _, value = line.partition("=")
            pairs[key] = value
    return pairs


def test_compose_has_postgres_two_gateways_and_prometheus_over_existing_files() -> None:
    compose = _compose()
    services = compose["services"]
    assert {"postgres", "gateway1", "gateway2", "prometheus"} <= set(services)
    for name, service in services.items():
        for volume in service.get("volumes", []):
            source = volume.split(":")[0]
            if source.startswith("."):
                assert (DEPLOY / source).exists(), f"{name}: {source}"
            else:
                assert source in compose["volumes"], f"{name}: {source}"
        build = service.get("build")
        if build:
            assert (DEPLOY / build["context"] / build["dockerfile"]).is_file()
    gateways = [services["gateway1"], services["gateway2"]]
    assert gateways[0]["environment"]["DLP_DATABASE_URL"].startswith("postgresql+asyncpg://")
    assert (
        gateways[0]["environment"]["DLP_SMTP__HOSTNAME"]
        != gateways[1]["environment"]["DLP_SMTP__HOSTNAME"]
    )
    data = {v.split(":")[0] for g in gateways for v in g["volumes"] if v.endswith("/srv/dlp/var")}
    assert len(data) == 2  # each instance its own outbox and checkpoints


def test_compose_variables_are_in_env_example_and_are_valid_settings(
    no_dlp_env: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = (DEPLOY / "compose.yaml").read_text(encoding="utf-8")
    example = _env_example()
    for variable in set(re.findall(r"\$\{([A-Z_]+)", text)):
        assert variable in example, variable
    environment = dict(example)
    environment.update(_compose()["services"]["gateway1"]["environment"])
    for key, value in environment.items():
        value = re.sub(r"\$\{([A-Z_]+)[^}]*\}", lambda m: example[m.group(1)], str(value))
        if key.startswith("DLP_") and key != "DLP_SCOPE_DIR":  # a path inside the image
            monkeypatch.setenv(key, value)
    settings = load_settings()  # raises with one line per unknown or bad DLP_ value
    assert settings.smtp.hostname == "dlp-gw1"
    assert settings.console.secure_cookies is True
    subnet = _compose()["networks"]["dlp"]["ipam"]["config"][0]["subnet"]
    assert subnet in settings.smtp.allowed_networks  # container clients may relay
    assert subnet in settings.console.metrics_networks  # and Prometheus may scrape


def _dockerignored(path: str) -> bool:
    patterns = [
        line.strip()
        for line in (ROOT / ".dockerignore").read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    ]
    return any(fnmatch.fnmatch(path, p) or path.startswith(p + "/") for p in patterns)


def test_dockerfile_copies_existing_files_runs_unprivileged_and_checks_health() -> None:
    dockerfile = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    joined = dockerfile.replace("\\\n", " ")
    copies = [line.split()[1:-1] for line in joined.splitlines() if line.startswith("COPY ")]
    sources = [s for args in copies if not args[0].startswith("--from") for s in args]
    assert sources
    for source in sources:
        assert (ROOT / source).exists(), source
        assert not _dockerignored(source), f"{source} is excluded by .dockerignore"
    for excluded in (".venv", "var", ".git", "tests", "gateway/__pycache__"):
        assert _dockerignored(excluded), excluded
    user = re.search(r"^USER (\S+)", joined, re.M)
    assert user and user.group(1) not in ("root", "0")
    volume = re.search(r'^VOLUME \["([^"]+)"\]', joined, re.M)
    assert volume and f"chown {user.group(1)}:{user.group(1)} {volume.group(1)}" in joined
    assert f"DLP_DATA_DIR={volume.group(1)}" in joined
    health = re.search(r"^HEALTHCHECK .*", joined, re.M)
    assert health and "/healthz" in health.group(0) and "8025" in health.group(0)
    # the default scope tables reach the package through the link to config/scope
    assert (ROOT / "gateway" / "default_scope").resolve() == (ROOT / "config" / "scope")


def test_systemd_unit_runs_serve_as_a_user_and_does_not_restart_on_bad_settings() -> None:
    unit = configparser.ConfigParser(strict=False, interpolation=None)
    unit.optionxform = str  # type: ignore[assignment,method-assign]
    unit.read(DEPLOY / "dlp-gateway.service", encoding="utf-8")
    service = unit["Service"]
    assert service["ExecStart"].endswith("/bin/dlp-gateway serve")
    assert service["User"] not in ("root", "0")
    assert service["RestartPreventExitStatus"] == "2"  # exit 2: a settings problem
    assert "-HUP" in service["ExecReload"]
    assert unit["Install"]["WantedBy"] == "multi-user.target"


def _name(requirement: str) -> str:
    return re.split(r"[<>=!~\[; ]", requirement, maxsplit=1)[0].lower().replace("_", "-")


def test_constraints_pin_every_runtime_and_test_dependency() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    pinned = {
        _name(line): line.split("==", 1)[1]
        for line in (ROOT / "constraints.txt").read_text(encoding="utf-8").splitlines()
        if "==" in line and not line.startswith("#")
    }
    wanted = project["dependencies"] + project["optional-dependencies"]["test"]
    missing = {_name(r) for r in wanted} - set(pinned)
    assert not missing


def test_make_run_installs_no_test_tools() -> None:
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    run_deps = re.search(r"^run: (.+)$", makefile, re.M)
    assert run_deps and run_deps.group(1).strip() == "$(BIN)/.runtime"
    runtime = re.search(r"^\$\(BIN\)/\.runtime:.*\n((?:\t.*\n)+)", makefile, re.M)
    assert runtime and "[test]" not in runtime.group(1) and "-c constraints.txt" in runtime.group(1)
    test = re.search(r"^\$\(BIN\)/\.installed:.*\n((?:\t.*\n)+)", makefile, re.M)
    assert test and "'.[test]'" in test.group(1) and "-c constraints.txt" in test.group(1)
