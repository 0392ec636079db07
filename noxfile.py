"""Every session a user or CI runs.

    nox -s conformance              # the main job: conformance matrix of every installed adapter
    nox -s conformance -- --adapter=pkg.mod:factory [--install ./path/to/your/package]
    nox -s lint typecheck tests     # what CI runs besides conformance
    nox -s conformance_thorough     # the thorough Hypothesis profile on a bounded subset (CI runs it)
    nox -s images                   # local Docker images of all services, from Debian packages
    nox -s bench                    # benchmarks: adapters vs raw drivers, as ratios

Each session installs what it needs itself. Services (Redis, PostgreSQL,
RabbitMQ, Kafka, moto) are provisioned by stepkit-conformance: Testcontainers
when a Docker engine is reachable, local server processes otherwise, or the
URLs given in ``STEPKIT_<SERVICE>_URL``.
"""

from __future__ import annotations

from pathlib import Path

import nox

nox.options.default_venv_backend = "uv|virtualenv"
nox.options.sessions = [
    "lint",
    "typecheck",
    "packages",
    "tests",
    "conformance",
    "conformance_third_party",
    "conformance_thorough",
]
nox.options.error_on_missing_interpreters = True

ROOT = Path(__file__).parent
PYTHON = "3.11"

CORE = "core-interfaces"
CONFORMANCE = "conformance"
RUNTIME = "runtime"


def adapter_dirs() -> list[str]:
    """Every adapter package under adapters/, shared ones (``*-common``) first."""
    dirs = [p.parent for p in (ROOT / "adapters").glob("*/pyproject.toml")]
    dirs.sort(key=lambda p: (not p.name.endswith("-common"), p.name))
    return [str(p.relative_to(ROOT)) for p in dirs]


def packages_list() -> list[str]:
    """Every package of the monorepo, dependencies first."""
    found = [CORE, *adapter_dirs(), CONFORMANCE, RUNTIME]
    return [p for p in found if (ROOT / p / "pyproject.toml").exists()]


def test_dirs() -> list[str]:
    return [f"{p}/tests" for p in packages_list() if (ROOT / p / "tests").is_dir()]


def install_monorepo(session: nox.Session, *extra: str) -> None:
    """Install every package (editable, with test extras) plus ``extra`` requirements."""
    args: list[str] = []
    for package in packages_list():
        args += ["-e", f"./{package}[test]" if has_test_extra(package) else f"./{package}"]
    session.install(*args, *extra)


def has_test_extra(package: str) -> bool:
    text = (ROOT / package / "pyproject.toml").read_text(encoding="utf-8")
    return "\ntest = [" in text


@nox.session(python=PYTHON)
def lint(session: nox.Session) -> None:
    """ruff over the whole tree."""
    session.install("ruff>=0.8")
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")


def import_name(package: str) -> str:
    """The import path of a package directory, e.g. ``adapters/redis-state`` -> ``stepkit.adapters.redis_state``."""
    if package == CORE:
        return "stepkit.core"
    if package.startswith("adapters/"):
        return "stepkit.adapters." + Path(package).name.replace("-", "_")
    return "stepkit." + package


def distribution_name(package: str) -> str:
    for line in (ROOT / package / "pyproject.toml").read_text(encoding="utf-8").splitlines():
        if line.startswith("name = "):
            return line.split("=", 1)[1].strip().strip('"')
    raise ValueError(f"{package}/pyproject.toml has no project name")


@nox.session(python=PYTHON, venv_backend="uv")
def packages(session: nox.Session) -> None:
    """Each package builds as a wheel and installs alone into a fresh environment.

    A package's own stepkit-* dependencies come from the wheels built here
    (they are not on PyPI); everything else from PyPI.
    """
    wheels = Path(session.create_tmp()) / "wheels"
    for package in packages_list():
        session.run("uv", "build", "--wheel", "--quiet", "--out-dir", str(wheels), package)
    for package in packages_list():
        env_dir = Path(session.create_tmp()) / ("env-" + Path(package).name)
        python = env_dir / "bin" / "python"
        session.run("uv", "venv", "--quiet", "--python", PYTHON, str(env_dir))
        session.run(
            "uv",
            "pip",
            "install",
            "--quiet",
            "--python",
            str(python),
            "--find-links",
            str(wheels),
            distribution_name(package),
        )
        session.run(str(python), "-c", f"import {import_name(package)}", external=True)


@nox.session(python=PYTHON)
def typecheck(session: nox.Session) -> None:
    """mypy: strict on stepkit.core and stepkit.conformance, typed everywhere."""
    install_monorepo(session, "mypy>=1.11")
    modules = ["stepkit.core", "stepkit.conformance", "stepkit.runtime"]
    for adapter in adapter_dirs():
        modules.append("stepkit.adapters." + Path(adapter).name.replace("-", "_"))
    args = [arg for module in modules for arg in ("-p", module)]
    session.run("mypy", *args)


@nox.session(python=PYTHON)
def tests(session: nox.Session) -> None:
    """Unit and integration tests of every package, against real servers.

    Each package's tests run in their own pytest invocation; pytest exiting 5
    (no tests collected) fails the session.
    """
    install_monorepo(session)
    for directory in test_dirs():
        session.run("pytest", directory, "-p", "no:cacheprovider", *session.posargs)


def split_install_args(posargs: list[str]) -> tuple[list[str], list[str]]:
    """Separate ``--install SPEC`` pairs (extra packages to install) from pytest args."""
    installs: list[str] = []
    rest: list[str] = []
    args = iter(posargs)
    for arg in args:
        if arg == "--install":
            installs.append(next(args))
        elif arg.startswith("--install="):
            installs.append(arg.split("=", 1)[1])
        else:
            rest.append(arg)
    return installs, rest


def run_conformance(session: nox.Session, posargs: list[str], report_name: str) -> None:
    installs, pytest_args = split_install_args(posargs)
    install_monorepo(session, *installs)
    report_dir = ROOT / "reports" / report_name
    session.run(
        "pytest",
        "--pyargs",
        "stepkit.conformance.suites",
        "-p",
        "no:cacheprovider",
        f"--stepkit-report-dir={report_dir}",
        *pytest_args,
        env={"PYTHONPATH": str(Path.cwd())},
    )


@nox.session(python=PYTHON)
def conformance(session: nox.Session) -> None:
    """The conformance suite; prints the adapter x clause matrix.

    Without ``--adapter`` it runs every adapter installed through the
    ``stepkit.conformance`` entry points. ``--install SPEC`` installs a
    third-party adapter package into the session first. Write option values
    with ``=`` (``--adapter=pkg.mod:factory``) or as separate words.
    """
    run_conformance(session, list(session.posargs), "conformance")


@nox.session(python=PYTHON)
def conformance_third_party(session: nox.Session) -> None:
    """The documented third-party path: an adapter outside the monorepo's packages, by ``--adapter``."""
    run_conformance(
        session,
        ["--install", "./examples/third-party-adapter", "--adapter=acme_state.adapter:factory", *session.posargs],
        "conformance-third-party",
    )


@nox.session(python=PYTHON)
def conformance_thorough(session: nox.Session) -> None:
    """The ``thorough`` Hypothesis profile on a schedule-sized subset (CI runs it on a schedule).

    The four state machines (``<kind>.model`` / ``<kind>.shared``) only, for the in-memory defaults
    and one real adapter per kind, with a 5 s operation timeout (thousands of fresh connections on a
    busy runner); extra pytest args are passed through (``--adapter=...`` replaces the set).
    """
    install_monorepo(session)
    suites = [f"stepkit.conformance.suites.{kind}.test_{kind}_model" for kind in ("state", "streams", "events", "cron")]
    adapters = [
        *("memory-state", "memory-streams", "inprocess-events", "local-cron"),
        *("redis-state", "redis-streams", "rabbitmq-events", "redis-cron"),
    ]
    session.run(
        "pytest",
        "--pyargs",
        *suites,
        "-p",
        "no:cacheprovider",
        "--hypothesis-profile=thorough",
        "--stepkit-timeout=5",
        f"--stepkit-report-dir={ROOT / 'reports' / 'conformance-thorough'}",
        *([] if any(arg.startswith("--adapter") for arg in session.posargs) else [f"--adapter={a}" for a in adapters]),
        *session.posargs,
        env={"PYTHONPATH": str(Path.cwd())},
    )


@nox.session(python=PYTHON)
def images(session: nox.Session) -> None:
    """Build local Docker images of every service from Debian packages (no registry needed)."""
    session.install("-e", f"./{CORE}", "-e", f"./{CONFORMANCE}")
    session.run("python", "-m", "stepkit.conformance.services.images", "build", *session.posargs)


@nox.session(python=PYTHON)
def bench(session: nox.Session) -> None:
    """Benchmarks of every adapter next to its raw driver, in the same run, as ratios."""
    install_monorepo(session)
    session.run(
        "python",
        "-m",
        "stepkit.conformance.services",
        "exec",
        "--services",
        "redis,rabbitmq,kafka,postgres,mysql,dynamodb,sqs",
        "--",
        "python",
        "tools/run_benches.py",
    )
