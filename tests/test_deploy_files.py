"""The deployment files say what they promise (issue 23), checked without a container engine:
docker-compose.yml, the Dockerfile, deploy/nginx.conf and the Kubernetes manifests in deploy/k8s/
parse, and declare non-root users, read-only root file systems, readiness on /readyz, Redis
persistence, a PodDisruptionBudget, resource requests and the secrets. `make compose-test`
runs the same stack for real under podman where the machine can."""
import re
from pathlib import Path

import pytest
import yaml

from bot.runtime.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
K8S = ROOT / "deploy" / "k8s"
NON_ROOT_UIDS = re.compile(r"^[1-9][0-9]*(:[1-9][0-9]*)?$")


def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def manifests() -> list:
    docs = []
    for path in sorted(p for p in K8S.glob("*.yaml") if p.name != "kustomization.yaml"):
        docs += [(path.name, d) for d in yaml.safe_load_all(path.read_text()) if d]
    return docs


def of_kind(kind: str) -> dict:
    return {d["metadata"]["name"]: d for _, d in manifests() if d.get("kind") == kind}


def default(value: str) -> str:
    """"${NAME:-default}" -> "default"."""
    match = re.fullmatch(r"\$\{\w+:-(.*)\}", value)
    return match.group(1) if match else value


# --- docker-compose.yml ------------------------------------------------------------------------

def test_compose_services():
    services = compose()["services"]
    assert set(services) == {"proxy", "api-1", "api-2", "actions", "redis"}
    for name in ("api-1", "api-2"):
        assert services[name]["environment"]["WEB_CONCURRENCY"] == "2"
        assert services[name]["command"][:3] == ["python", "-m", "api.serve"]
        assert services[name]["environment"]["SIGNPOST_SESSION_SECRET"].startswith("${SIGNPOST_SESSION_SECRET:?")


@pytest.mark.parametrize("service", ["proxy", "api-1", "api-2", "actions", "redis"])
def test_compose_every_container_non_root_with_a_read_only_root(service):
    spec = compose()["services"][service]
    assert spec["read_only"] is True
    assert "/tmp" in spec["tmpfs"]
    assert NON_ROOT_UIDS.match(default(str(spec["user"]))), spec["user"]
    assert spec["cap_drop"] == ["ALL"] and "no-new-privileges:true" in spec["security_opt"]


def test_compose_redis_keeps_conversations_across_a_restart():
    redis = compose()["services"]["redis"]
    command = " ".join(redis["command"])
    assert "--appendonly yes" in command
    assert any(v.endswith(":/data") for v in redis["volumes"])
    assert "redis-data" in compose()["volumes"]


def test_compose_test_script_runs_the_same_hardening():
    script = (ROOT / "deploy" / "podman" / "compose-test.sh").read_text()
    for option in ("--read-only", "--read-only-tmpfs=false", "--tmpfs /tmp", "--cap-drop all",
                   "no-new-privileges", "--appendonly yes", "WEB_CONCURRENCY=2", "--user www-data"):
        assert option in script, option


# --- Dockerfile, nginx --------------------------------------------------------------------------

def test_dockerfile_builds_from_python_slim_by_default_and_runs_as_non_root():
    text = (ROOT / "Dockerfile").read_text()
    lines = [l for l in text.splitlines() if l and not l.startswith("#")]
    assert lines[0] == "ARG BASE=python:3.10-slim" and lines[1] == "FROM ${BASE}"
    users = [l.split()[1] for l in lines if l.startswith("USER ")]
    assert users and users[-1] not in ("root", "0")
    assert re.search(r'^CMD \["python", "-m", "api.serve"', text, re.M)


def test_dockerfile_copies_what_the_dependency_step_needs():
    """`make .venv/.installed` runs before the code is copied: every file it depends on must be
    copied first (requirements-models.txt was not, and the image never built)."""
    makefile = (ROOT / "Makefile").read_text()
    needs = re.search(r"^\$\(VENV\)/\.installed: (.*)$", makefile, re.M).group(1).split()
    text = (ROOT / "Dockerfile").read_text()
    before = text[:text.index("RUN make .venv/.installed")]
    copied = " ".join(l for l in before.splitlines() if l.startswith("COPY "))
    for name in needs + ["Makefile"]:
        assert name in copied, name


def test_nginx_writes_only_to_tmp():
    conf = (ROOT / "deploy" / "nginx.conf").read_text()
    assert "pid /tmp/" in conf
    for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"):
        assert re.search(rf"^\s*{kind}_temp_path /tmp/", conf, re.M), kind


# --- Kubernetes -----------------------------------------------------------------------------------

def pod_specs():
    for name, deployment in of_kind("Deployment").items():
        yield name, deployment["spec"]["template"]["spec"]


def test_manifests_parse_with_the_expected_objects():
    kinds = {(d["kind"], d["metadata"]["name"]) for _, d in manifests()}
    for expected in [("Deployment", "signpost-api"), ("Deployment", "signpost-actions"), ("Deployment", "signpost-redis"),
                     ("Service", "signpost-api"), ("Service", "signpost-actions"), ("Service", "signpost-redis"),
                     ("PersistentVolumeClaim", "signpost-redis-data"), ("PodDisruptionBudget", "signpost-api"),
                     ("Secret", "signpost-secrets"), ("Ingress", "signpost")]:
        assert expected in kinds, expected
    kustomization = yaml.safe_load((K8S / "kustomization.yaml").read_text())
    assert set(kustomization["resources"]) == {p.name for p in K8S.glob("*.yaml")} - {"kustomization.yaml", "secrets.example.yaml"}


def test_api_is_ready_only_on_readyz():
    api = of_kind("Deployment")["signpost-api"]
    container = api["spec"]["template"]["spec"]["containers"][0]
    assert container["readinessProbe"]["httpGet"]["path"] == "/readyz"
    assert container["livenessProbe"]["httpGet"]["path"] == "/healthz"
    assert api["spec"]["replicas"] >= 2
    assert api["spec"]["strategy"]["rollingUpdate"]["maxUnavailable"] == 0


@pytest.mark.parametrize("name", ["signpost-api", "signpost-actions", "signpost-redis"])
def test_every_pod_non_root_read_only_with_resource_requests(name):
    spec = dict(pod_specs())[name]
    assert spec["securityContext"]["runAsNonRoot"] is True and spec["securityContext"]["runAsUser"] > 0
    assert spec["automountServiceAccountToken"] is False
    for container in spec["containers"]:
        security = container["securityContext"]
        assert security["readOnlyRootFilesystem"] is True
        assert security["allowPrivilegeEscalation"] is False and security["capabilities"]["drop"] == ["ALL"]
        assert any(m["mountPath"] == "/tmp" for m in container["volumeMounts"])
        requests = container["resources"]["requests"]
        assert requests["memory"] and requests["cpu"]
        assert container["resources"]["limits"]["memory"]


def test_pod_disruption_budget_keeps_an_api_pod():
    pdb = of_kind("PodDisruptionBudget")["signpost-api"]
    labels = of_kind("Deployment")["signpost-api"]["spec"]["template"]["metadata"]["labels"]
    assert pdb["spec"]["minAvailable"] >= 1
    assert pdb["spec"]["selector"]["matchLabels"].items() <= labels.items()


def test_redis_persists_to_a_volume():
    redis = dict(pod_specs())["signpost-redis"]
    args = " ".join(redis["containers"][0]["args"])
    assert "--appendonly yes" in args
    data = next(v for v in redis["volumes"] if v["name"] == "data")
    assert data["persistentVolumeClaim"]["claimName"] in of_kind("PersistentVolumeClaim")
    assert of_kind("Deployment")["signpost-redis"]["spec"]["strategy"]["type"] == "Recreate"


def test_environment_names_exist_and_secrets_come_from_the_secret():
    known = {f"SIGNPOST_{name.upper()}" for name in Settings.__fields__} | {"WEB_CONCURRENCY"}
    secret_keys = set(of_kind("Secret")["signpost-secrets"]["stringData"])
    for name, spec in pod_specs():
        for container in spec["containers"]:
            for env in container.get("env", []):
                assert env["name"] in known, f"{name}: {env['name']} is not a setting"
                if "TOKEN" in env["name"] or "SECRET" in env["name"]:
                    ref = env["valueFrom"]["secretKeyRef"]
                    assert ref["name"] == "signpost-secrets" and ref["key"] in secret_keys
    api_env = {e["name"] for e in dict(pod_specs())["signpost-api"]["containers"][0]["env"]}
    assert {"SIGNPOST_SESSION_SECRET", "SIGNPOST_METRICS_TOKEN", "SIGNPOST_REDIS_URL"} <= api_env
