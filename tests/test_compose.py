"""The deployment files: docker-compose.yml, the Dockerfile and .env.example.

Plain checks of files, no database and no Docker needed. The compose file is validated
against the compose specification vendored in check-jsonschema, so this works offline.
"""

import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from ruamel.yaml import YAML

ROOT = Path(__file__).resolve().parent.parent
COMPOSE_FILE = ROOT / "docker-compose.yml"
DOCKERFILE = ROOT / "Dockerfile"
DOCKERIGNORE = ROOT / ".dockerignore"
ENV_EXAMPLE = ROOT / ".env.example"
SETTINGS_FILE = ROOT / "portal" / "settings.py"

APP_SERVICES = {"migrate", "web", "worker", "beat"}
SERVICES_WITH_HEALTHCHECK = {"web", "worker", "db", "redis"}
SERVICES_WITHOUT_HEALTHCHECK = {"migrate", "beat"}

# env.str("NAME" ..., env.bool("NAME" ..., env("NAME" ... as django-environ is called.
SETTINGS_ENV_READ = re.compile(r"\benv(?:\.[a-z_]+)?\(\s*[\"']([A-Z][A-Z0-9_]*)[\"']")
# NAME=value, or "# NAME=value" for an optional override left at its default.
ENV_EXAMPLE_ASSIGNMENT = re.compile(r"^(?:#\s*)?([A-Z][A-Z0-9_]*)=(.*)$")


def run_compose_validator(path: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "check_jsonschema",
            "--builtin-schema",
            "vendor.compose-spec",
            str(path),
        ],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


def load_compose() -> dict:
    return YAML(typ="safe", pure=True).load(COMPOSE_FILE)


def service(name: str) -> dict:
    return load_compose()["services"][name]


def env_example_lines() -> list[str]:
    return ENV_EXAMPLE.read_text(encoding="utf-8").splitlines()


def env_example_values(*, include_commented: bool) -> dict[str, str]:
    values = {}
    for line in env_example_lines():
        if not include_commented and line.startswith("#"):
            continue
        match = ENV_EXAMPLE_ASSIGNMENT.match(line)
        if match:
            values[match.group(1)] = match.group(2)
    return values


def settings_env_names() -> set[str]:
    return set(SETTINGS_ENV_READ.findall(SETTINGS_FILE.read_text(encoding="utf-8")))


def as_list(value) -> list:
    return value if isinstance(value, list) else [value]


# --- The compose file against the compose specification ------------------------------------


def test_compose_file_is_valid_against_the_compose_specification():
    result = run_compose_validator(COMPOSE_FILE)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(
    "broken",
    [
        "services:\n  web:\n    ports: 5\n",
        "services:\n  web:\n    image: x\n    no_such_key: true\n",
        "services:\n  web:\n    image: x\n    healthcheck:\n      interval: [30]\n",
    ],
    ids=["ports-not-a-list", "unknown-service-key", "bad-healthcheck"],
)
def test_validator_rejects_a_broken_compose_document(tmp_path, broken):
    path = tmp_path / "docker-compose.yml"
    path.write_text(broken, encoding="utf-8")
    result = run_compose_validator(path)
    assert result.returncode != 0, result.stdout + result.stderr
    assert "$.services.web" in result.stdout


def test_compose_file_uses_the_specification_without_a_version_key():
    assert "version" not in load_compose()


# --- Topology ----------------------------------------------------------------------------------


def test_all_services_exist():
    assert set(load_compose()["services"]) == APP_SERVICES | {"db", "redis"}


@pytest.mark.parametrize("name", sorted(SERVICES_WITH_HEALTHCHECK))
def test_long_running_services_have_a_healthcheck(name):
    healthcheck = service(name).get("healthcheck")
    assert healthcheck, f"{name} has no healthcheck"
    assert not healthcheck.get("disable", False)
    assert healthcheck["test"]


@pytest.mark.parametrize("name", sorted(SERVICES_WITHOUT_HEALTHCHECK))
def test_one_shot_and_beat_have_no_healthcheck(name):
    assert "healthcheck" not in service(name)


def test_app_services_share_one_image_env_file_and_media_volume():
    compose = load_compose()
    images = {compose["services"][name]["image"] for name in APP_SERVICES}
    builds = {compose["services"][name]["build"]["context"] for name in APP_SERVICES}
    assert len(images) == 1
    assert builds == {"."}
    for name in APP_SERVICES:
        app = compose["services"][name]
        assert as_list(app["env_file"]) == [".env"], name
        assert "media:/app/var/media" in app["volumes"], name
    assert "media" in compose["volumes"]


def test_app_service_commands():
    compose = load_compose()
    web = compose["services"]["web"]["command"]
    assert web[:2] == ["gunicorn", "portal.wsgi:application"]
    assert "0.0.0.0:8000" in web
    assert compose["services"]["worker"]["command"][:4] == ["celery", "-A", "portal", "worker"]
    assert compose["services"]["beat"]["command"][:4] == ["celery", "-A", "portal", "beat"]
    assert compose["services"]["migrate"]["command"] == [
        "python",
        "manage.py",
        "migrate",
        "--noinput",
    ]


def test_migrate_runs_once_before_web_and_worker():
    compose = load_compose()
    migrate = compose["services"]["migrate"]
    assert migrate["restart"] == "no"
    assert migrate["depends_on"]["db"]["condition"] == "service_healthy"
    for name in ("web", "worker"):
        depends_on = compose["services"][name]["depends_on"]
        assert depends_on["migrate"]["condition"] == "service_completed_successfully", name
        assert depends_on["db"]["condition"] == "service_healthy", name
        assert depends_on["redis"]["condition"] == "service_healthy", name


@pytest.mark.parametrize(
    ("name", "mount_point"),
    [("db", "/var/lib/postgresql/data"), ("redis", "/data")],
)
def test_data_services_keep_their_data_in_named_volumes(name, mount_point):
    compose = load_compose()
    mounts = [volume.split(":") for volume in service(name)["volumes"]]
    sources = [source for source, target, *_ in mounts if target == mount_point]
    assert len(sources) == 1, f"{name} does not mount {mount_point}"
    source = sources[0]
    assert not source.startswith((".", "/", "~")), f"{source} is a bind mount"
    assert source in compose["volumes"]


def test_redis_persists_with_append_only_file():
    command = service("redis")["command"]
    assert "--appendonly" in command
    assert command[command.index("--appendonly") + 1] == "yes"


def test_web_healthcheck_sends_a_host_that_env_example_allows():
    test = " ".join(service("web")["healthcheck"]["test"])
    assert "http://127.0.0.1:8000/health/" in test
    host = re.search(r"[\"']Host[\"']\s*:\s*[\"']([^\"']+)[\"']", test)
    assert host, "the web healthcheck must send a Host header"
    allowed_hosts = env_example_values(include_commented=False)["ALLOWED_HOSTS"].split(",")
    assert host.group(1) in allowed_hosts


def test_worker_healthcheck_pings_its_own_node():
    test = " ".join(service("worker")["healthcheck"]["test"])
    assert "celery -A portal inspect ping" in test
    # "$$" is compose's escape: the container's shell, not compose, expands $HOSTNAME.
    assert "celery@$$HOSTNAME" in test


# --- .env.example --------------------------------------------------------------------------


def test_settings_env_regex_finds_the_variables():
    names = settings_env_names()
    assert {"DJANGO_DEBUG", "SECRET_KEY", "DATABASE_URL", "EMAIL_URL", "MEDIA_ROOT"} <= names


def test_env_example_documents_every_variable_settings_reads():
    documented = set(env_example_values(include_commented=True))
    missing = settings_env_names() - documented
    assert not missing, f"read in portal/settings.py but missing from .env.example: {missing}"


def test_env_example_documents_only_variables_something_reads():
    compose_text = COMPOSE_FILE.read_text(encoding="utf-8")
    used_by_compose = set(re.findall(r"\$\{([A-Z][A-Z0-9_]*)", compose_text))
    stale = set(env_example_values(include_commented=True)) - settings_env_names()
    stale -= used_by_compose
    assert not stale, f"in .env.example but read by neither settings nor compose: {stale}"


def test_every_env_example_variable_has_a_comment_above_it():
    lines = env_example_lines()
    for number, line in enumerate(lines):
        if ENV_EXAMPLE_ASSIGNMENT.match(line):
            above = lines[number - 1] if number else ""
            assert above.startswith("# "), f"no comment above {line!r}"
            assert not ENV_EXAMPLE_ASSIGNMENT.match(above), f"no comment above {line!r}"


def test_env_example_sets_everything_production_requires():
    settings_text = SETTINGS_FILE.read_text(encoding="utf-8")
    required = re.search(r"PRODUCTION_REQUIRED = \(([^)]*)\)", settings_text)
    assert required
    names = re.findall(r"[\"']([A-Z][A-Z0-9_]*)[\"']", required.group(1))
    values = env_example_values(include_commented=False)
    assert values["DJANGO_DEBUG"] == "0"
    for name in names:
        assert values.get(name), f"{name} must be set in .env.example"


def test_env_example_matches_the_compose_topology_and_holds_no_secret():
    values = env_example_values(include_commented=False)
    database = urlsplit(values["DATABASE_URL"])
    assert database.scheme in {"postgres", "postgresql"}
    assert database.hostname == "db"
    assert database.username == values["POSTGRES_USER"]
    assert database.password == values["POSTGRES_PASSWORD"]
    assert database.path == f"/{values['POSTGRES_DB']}"
    assert urlsplit(values["REDIS_URL"]).hostname == "redis"
    assert values["MEDIA_ROOT"] == "/app/var/media"
    for name in ("SECRET_KEY", "POSTGRES_PASSWORD"):
        assert "CHANGE-ME" in values[name], f"{name} must be a placeholder"


# --- Dockerfile ----------------------------------------------------------------------------


def test_dockerfile_copies_every_django_app_of_the_project():
    dockerfile = DOCKERFILE.read_text(encoding="utf-8")
    copied = set(re.findall(r"^COPY (?!--from)(\S+) ", dockerfile, flags=re.MULTILINE))
    apps = {path.parent.name for path in ROOT.glob("*/apps.py")}
    # kit: the shared building blocks every app imports (a package, not a Django app).
    missing = (apps | {"kit", "manage.py", "templates", "static"}) - copied
    assert not missing, f"the Dockerfile does not COPY {missing}"


def test_dockerfile_runs_gunicorn_as_a_non_root_user():
    dockerfile = DOCKERFILE.read_text(encoding="utf-8")
    users = re.findall(r"^USER (\S+)", dockerfile, flags=re.MULTILINE)
    assert users
    assert users[-1] not in {"root", "0"}
    assert "uv==0.13.8" in dockerfile
    assert "uv sync --locked --no-dev" in dockerfile
    assert "EXPOSE 8000" in dockerfile
    assert re.search(r'^CMD \["gunicorn", "portal\.wsgi:application"', dockerfile, re.MULTILINE)


def test_benchmarks_and_tests_stay_out_of_the_image():
    dockerfile = DOCKERFILE.read_text(encoding="utf-8")
    copied = {
        source
        for arguments in re.findall(r"^COPY (?!--from)(.+)$", dockerfile, flags=re.MULTILINE)
        for source in arguments.split()[:-1]
    }
    assert not copied & {"benchmarks", "tests", "."}, "the Dockerfile copies them"
    ignored = {
        line.strip().rstrip("/")
        for line in DOCKERIGNORE.read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    }
    assert {"benchmarks", "tests", ".env", ".git", ".venv"} <= ignored
    assert not ignored & copied, "the build context leaves out what the Dockerfile copies"
