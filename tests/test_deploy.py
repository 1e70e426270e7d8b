"""The Kubernetes manifests in deploy/kubernetes, kept correct without a cluster: they parse,
name only settings the service has, probe routes the service serves, and their selectors,
ports and budget fit together."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from placement.api.app import create_app
from placement.settings import Settings

K8S = Path(__file__).parent.parent / "deploy" / "kubernetes"


def _load(name: str) -> list[dict[str, Any]]:
    return [d for d in yaml.safe_load_all((K8S / name).read_text()) if d]


def _resources() -> dict[str, dict[str, Any]]:
    kustomization = _load("kustomization.yaml")[0]
    found: dict[str, dict[str, Any]] = {}
    for name in kustomization["resources"]:
        for doc in _load(name):
            found[doc["kind"]] = doc
    return found


def _setting_names() -> set[str]:
    names = set()
    for name, field in Settings.model_fields.items():
        names.add(f"PLACEMENT_{name.upper()}")
        alias = field.validation_alias
        if alias is not None:
            names.update(str(a) for a in getattr(alias, "choices", [alias]))
    return names


def test_the_kustomization_holds_the_deployment_service_probes_and_budget() -> None:
    kinds = _resources()
    assert {"Deployment", "Service", "PodDisruptionBudget", "ConfigMap", "Job"} <= set(kinds)
    for doc in kinds.values():
        assert doc["apiVersion"]
        assert doc["metadata"]["name"].startswith("placeringskontroll")


def test_every_setting_named_is_one_the_service_reads_and_they_validate(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A misspelt variable would be silently ignored (settings ignore unknown names), so each
    name in the ConfigMap and the example Secret must be a setting; together they validate."""
    config = _resources()["ConfigMap"]["data"]
    secret = _load("secret.example.yaml")[0]["stringData"]
    assert set(config) | set(secret) <= _setting_names()
    for key, value in {**config, **secret}.items():
        monkeypatch.setenv(key, value)
    settings = Settings()
    assert settings.migrate_on_start is False
    assert settings.database_url is not None


def test_the_probes_ask_routes_the_service_serves_on_the_port_it_listens_on() -> None:
    kinds = _resources()
    pod = kinds["Deployment"]["spec"]["template"]["spec"]
    [container] = pod["containers"]
    ports = {p["name"]: p["containerPort"] for p in container["ports"]}
    assert ports["http"] == int(kinds["ConfigMap"]["data"]["PLACEMENT_PORT"])
    assert container["livenessProbe"]["httpGet"]["path"] == "/health"
    assert container["readinessProbe"]["httpGet"]["path"] == "/ready"
    app = create_app(Settings(), dsn="postgresql://placement_app@127.0.0.1/placement")
    served = {r.resource.canonical for r in app.router.routes() if r.method == "GET" and r.resource}
    for probe in ("livenessProbe", "readinessProbe", "startupProbe"):
        assert container[probe]["httpGet"]["path"] in served
        assert container[probe]["httpGet"]["port"] in ports
    assert pod["securityContext"]["runAsNonRoot"] is True
    assert {e["secretRef"]["name"] for e in container["envFrom"] if "secretRef" in e} == {
        _load("secret.example.yaml")[0]["metadata"]["name"]
    }


def test_the_service_and_the_budget_select_the_deployments_pods() -> None:
    kinds = _resources()
    deployment = kinds["Deployment"]["spec"]
    labels = deployment["template"]["metadata"]["labels"]
    for selector in (
        deployment["selector"]["matchLabels"],
        kinds["Service"]["spec"]["selector"],
        kinds["PodDisruptionBudget"]["spec"]["selector"]["matchLabels"],
    ):
        assert selector.items() <= labels.items()
    assert kinds["Service"]["spec"]["ports"][0]["targetPort"] == "http"
    # The budget lets a drain proceed (never 0 allowed) and keeps the rest serving.
    assert kinds["PodDisruptionBudget"]["spec"]["maxUnavailable"] == 1
    assert deployment["replicas"] >= 2
    assert deployment["strategy"]["rollingUpdate"]["maxUnavailable"] == 0
    # The migrate Job uses the same image and settings as the instances.
    job = kinds["Job"]["spec"]["template"]["spec"]["containers"][0]
    assert job["image"] == deployment["template"]["spec"]["containers"][0]["image"]
    assert job["command"] == ["placement", "migrate"]
