"""The deadline rush, end to end, in one command (loopback only).

    .venv/bin/python bench/load/run.py --users 200 --run-time 60s      # the full run
    .venv/bin/python bench/load/run.py --smoke                         # 20 users, 10 s, for CI
    .venv/bin/python bench/load/run.py --profile                       # + py-spy on the gunicorn workers

1. creates a throwaway PostgreSQL database (``kiemdiem_load_<pid>_<random>``) and migrates it;
2. loads the seed ward, extra members up to ``--members``, their accounts, a published plan with every
   cell's report submitted, and an open secret ballot at every cell's meeting (``setup_data.py``);
3. starts ``gunicorn kiemdiem.wsgi -w N`` on 127.0.0.1 and a free port, with ``REDIS_URL`` (cache and
   sessions shared by the workers, as deployed) on a Redis database flushed first (``LOAD_REDIS_URL``,
   default ``redis://127.0.0.1:6379/15``; ``--no-redis`` for the per-worker cache and database sessions);
4. runs locust headless, bounded by ``--users`` and ``--run-time`` (``locustfile.py``);
5. stops gunicorn, checks that every acknowledged write is in the database exactly once (``check.py``),
   prints throughput, p50/p95/p99 and errors, and drops the database.

Exit code 0 only when there were no failed requests and the no-lost-writes check passed.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections import defaultdict
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
BIN = Path(sys.executable).parent
LOOPBACK = {"127.0.0.1", "localhost", "::1"}
DEFAULT_ADMIN_URL = "postgres://postgres@127.0.0.1:5432/postgres"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/15"


def log(msg: str) -> None:
    print(f"[load] {msg}", file=sys.stderr, flush=True)


def _tool(name: str) -> str:
    path = BIN / name
    return str(path) if path.exists() else name


def _seconds(text: str) -> float:
    units = {"s": 1, "m": 60, "h": 3600}
    return float(text[:-1]) * units[text[-1]] if text[-1] in units else float(text)


def percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(q / 100 * len(ordered) + 0.5) - 1))
    return ordered[k]


# ---------------------------------------------------------------------------------- PostgreSQL


def admin_url() -> str:
    url = os.environ.get("LOAD_PG_ADMIN_URL", DEFAULT_ADMIN_URL)
    host = urlsplit(url).hostname or ""
    if host not in LOOPBACK:
        raise SystemExit(f"refusing a non-loopback PostgreSQL: {host!r}")
    return url


def db_url(admin: str, name: str) -> str:
    parts = urlsplit(admin)
    return urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, parts.fragment))


def postgres_reachable(admin: str | None = None) -> bool:
    import psycopg

    try:
        with psycopg.connect(admin or admin_url(), connect_timeout=3) as conn:
            conn.execute("SELECT 1")
        return True
    except psycopg.Error:
        return False


def _admin_exec(admin: str, sql: str) -> None:
    import psycopg

    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(sql)


def create_db(admin: str) -> str:
    name = f"kiemdiem_load_{os.getpid()}_{secrets.token_hex(3)}"
    _admin_exec(admin, f'CREATE DATABASE "{name}"')
    return name


def drop_db(admin: str, name: str) -> None:
    assert name.startswith("kiemdiem_load_"), name  # only ever a database this script created
    _admin_exec(admin, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


# ---------------------------------------------------------------------------------- Redis


def redis_url() -> str:
    url = os.environ.get("LOAD_REDIS_URL", DEFAULT_REDIS_URL)
    host = urlsplit(url).hostname or ""
    if host not in LOOPBACK:
        raise SystemExit(f"refusing a non-loopback Redis: {host!r}")
    return url


def flush_redis(url: str) -> bool:
    """Empty the load test's Redis database (its own number, see LOAD_REDIS_URL); False if unreachable."""
    import redis

    client = redis.Redis.from_url(url, socket_connect_timeout=3)
    try:
        client.flushdb()
        return True
    except redis.exceptions.ConnectionError:
        return False
    finally:
        client.close()


# ---------------------------------------------------------------------------------- gunicorn


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_http(url: str, timeout: float = 30) -> None:
    end = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5) as resp:  # noqa: S310 (loopback only)
                if resp.status == 200:
                    return
        except OSError:
            if time.monotonic() > end:
                raise
            time.sleep(0.2)


def worker_pids(master: int) -> list[int]:
    out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(master)], capture_output=True, text=True)
    return [int(p) for p in out.stdout.split()]


# ---------------------------------------------------------------------------------- CPU use

_TICK = os.sysconf("SC_CLK_TCK")


def _proc_cpu(pid: int, reaped: bool = False) -> float:
    """CPU seconds of a process, plus those of its reaped children with ``reaped``; 0 when it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    except OSError:
        return 0.0
    ticks = int(fields[11]) + int(fields[12])  # utime, stime
    if reaped:
        ticks += int(fields[13]) + int(fields[14])  # cutime, cstime
    return ticks / _TICK


def _postgres_cpu() -> float:
    """Every PostgreSQL process (all databases): the live ones, and the exited backends through the
    postmaster's reaped-children time."""
    comms: dict[int, tuple[str, int]] = {}
    for d in Path("/proc").iterdir():
        if d.name.isdigit():
            try:
                stat = (d / "stat").read_text()
                comms[int(d.name)] = (
                    (d / "comm").read_text().strip(),
                    int(stat.rpartition(")")[2].split()[1]),
                )
            except (OSError, IndexError, ValueError):
                continue
    return sum(
        _proc_cpu(pid, reaped=comms.get(ppid, ("", 0))[0] != "postgres")
        for pid, (comm, ppid) in comms.items()
        if comm == "postgres"
    )


class BackendSampler(threading.Thread):
    """CPU seconds of the PostgreSQL backends of one database (found by their process title), sampled
    every ``every`` seconds: a backend that exits between two samples loses at most that much."""

    def __init__(self, database: str, every: float = 0.5) -> None:
        super().__init__(daemon=True)
        self.database, self.every = database, every
        self.first: dict[int, float] = {}
        self.last: dict[int, float] = {}
        self.done = threading.Event()
        self.baseline = True  # the first sample: what the backends had used before the run

    def sample(self) -> None:
        for d in Path("/proc").iterdir():
            if not d.name.isdigit():
                continue
            try:
                title = (d / "cmdline").read_bytes()
            except OSError:
                continue
            if title.startswith(b"postgres:") and f" {self.database} ".encode() in title:
                pid = int(d.name)
                cpu = _proc_cpu(pid)
                self.first.setdefault(pid, cpu if self.baseline else 0.0)
                self.last[pid] = max(cpu, self.last.get(pid, 0.0))
        self.baseline = False

    def run(self) -> None:
        while not self.done.wait(self.every):
            self.sample()

    def stop(self) -> float:
        self.done.set()
        self.join()
        self.sample()
        return sum(self.last[p] - self.first.get(p, 0.0) for p in self.last)


def cpu_snapshot(server: int) -> dict[str, float]:
    """Machine busy/total time (/proc/stat), gunicorn (master and workers), PostgreSQL, and the reaped
    children of this process (locust, once it has returned), all in CPU seconds."""
    ticks = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = ticks[3] + ticks[4]  # idle, iowait
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return {
        "total": sum(ticks[:8]) / _TICK,
        "busy": (sum(ticks[:8]) - idle) / _TICK,
        "app": sum(_proc_cpu(p) for p in [server, *worker_pids(server)]),
        "postgres": _postgres_cpu(),
        "children": children.ru_utime + children.ru_stime,
    }


def cpu_use(before: dict[str, float], after: dict[str, float], own_postgres: float) -> dict[str, Any]:
    """Where the machine's CPU went during the run, in core-seconds and shares of all cores' time."""
    d = {k: after[k] - before[k] for k in before}
    used = {
        "app workers (gunicorn)": d["app"],
        "PostgreSQL (load-test database)": own_postgres,
        "PostgreSQL (other databases)": max(0.0, d["postgres"] - own_postgres),
        "locust": d["children"],
    }
    used["other processes"] = max(0.0, d["busy"] - sum(used.values()))
    used["idle"] = max(0.0, d["total"] - d["busy"])
    return {
        "core_seconds": round(d["total"], 1),
        "by": {k: round(v, 1) for k, v in used.items()},
        "share": {k: round(100 * v / d["total"], 1) if d["total"] else 0.0 for k, v in used.items()},
    }


# ---------------------------------------------------------------------------------- logins


def prelogin(
    host: str, manifest: dict[str, Any], users: int, secretaries: int, concurrency: int
) -> dict[str, Any]:
    """Log the simulated users in over HTTP before the rush (real Argon2 verification on the server),
    ``concurrency`` at a time, and keep their cookies for locust. Returns the sessions and the timings."""
    import random
    import re
    from concurrent.futures import ThreadPoolExecutor

    import requests

    members = random.Random(6).sample(manifest["members"], len(manifest["members"]))[
        : users - secretaries - 1
    ]
    people = (
        [{"role": "member", **m} for m in members]
        + [{"role": "secretary", **s} for s in manifest["secretaries"][:secretaries]]
        + [{"role": "office", "username": manifest["office"]}]
    )
    token = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')

    def one(person: dict[str, Any]) -> tuple[dict[str, Any], float, bool]:
        with requests.Session() as http:
            page = http.get(f"{host}/dang-nhap/", timeout=60)
            found = token.search(page.text)
            t = time.perf_counter()
            resp = http.post(
                f"{host}/dang-nhap/",
                data={
                    "username": person["username"],
                    "password": manifest["password"],
                    "csrfmiddlewaretoken": found.group(1) if found else "",
                },
                headers={"Referer": f"{host}/dang-nhap/"},
                allow_redirects=False,
                timeout=60,
            )
            ms = 1000 * (time.perf_counter() - t)
            ok = resp.status_code == 302 and "sessionid" in http.cookies
            cookies = [[c.name, c.value, c.domain, c.path] for c in http.cookies]
            return {**person, "cookies": cookies}, ms, ok

    started = time.perf_counter()
    with ThreadPoolExecutor(concurrency) as pool:
        done = list(pool.map(one, people))
    wall = time.perf_counter() - started
    times = [ms for _, ms, _ in done]
    return {
        "sessions": [p for p, _, ok in done if ok],
        "stats": {
            "logins": len(done),
            "failures": sum(1 for _, _, ok in done if not ok),
            "concurrency": concurrency,
            "per_second": round(len(done) / wall, 1),
            "p50": round(percentile(times, 50)),
            "p95": round(percentile(times, 95)),
            "p99": round(percentile(times, 99)),
        },
    }


# ---------------------------------------------------------------------------------- results


def summarize(times: list[list[Any]], wall: float) -> dict[str, Any]:
    by_name: dict[str, list[float]] = defaultdict(list)
    failures: dict[str, int] = defaultdict(int)
    for _type, name, ms, ok in times:
        by_name[name].append(ms)
        if not ok:
            failures[name] += 1

    def stats(values: list[float], fails: int) -> dict[str, Any]:
        return {
            "requests": len(values),
            "failures": fails,
            "rps": round(len(values) / wall, 1) if wall else 0.0,
            "p50": round(percentile(values, 50)),
            "p95": round(percentile(values, 95)),
            "p99": round(percentile(values, 99)),
            "max": round(max(values, default=0)),
        }

    every = [ms for values in by_name.values() for ms in values]
    no_login = [ms for name, values in by_name.items() if not name.startswith("login") for ms in values]
    return {
        "all": stats(every, sum(failures.values())),
        "without_login": stats(no_login, sum(n for k, n in failures.items() if not k.startswith("login"))),
        "by_name": {name: stats(v, failures[name]) for name, v in sorted(by_name.items())},
    }


def print_summary(summary: dict[str, Any], check: dict[str, Any], args: argparse.Namespace) -> None:
    print(
        f"\nDeadline rush: {args.users} users, spawn {args.spawn_rate}/s, {args.run_time}, "
        f"gunicorn -w {args.workers}, {summary['members']} member accounts, "
        f"cache and sessions: {'Redis' if summary.get('redis') else 'per worker / database'}"
    )
    head = f"{'request':<16}{'count':>8}{'fails':>7}{'req/s':>8}{'p50':>7}{'p95':>7}{'p99':>7}{'max':>7}"
    print(head)
    print("-" * len(head))
    rows = [*summary["by_name"].items(), ("ALL", summary["all"]), ("ALL but login", summary["without_login"])]
    for name, s in rows:
        print(
            f"{name:<16}{s['requests']:>8}{s['failures']:>7}{s['rps']:>8}{s['p50']:>7}{s['p95']:>7}"
            f"{s['p99']:>7}{s['max']:>7}"
        )
    print("(times in ms)")
    if "prelogin" in summary:
        print(f"\nLogins before the rush (Argon2 on the server): {summary['prelogin']}")
    if "cpu" in summary:
        cpu = summary["cpu"]
        parts = ", ".join(f"{k} {v} ({cpu['share'][k]}%)" for k, v in cpu["by"].items())
        print(
            f"\nCPU during the rush ({cpu['core_seconds']} core-seconds; load average at the start "
            f"{summary['load_at_start']}, after setup and logins {summary['load']}): {parts}"
        )
    print(f"\nNo lost / duplicated writes: {'PASS' if check.get('ok') else 'FAIL'} {check.get('counts', {})}")
    for line in check.get("failures", []):
        print(f"  FAIL {line}")


# ---------------------------------------------------------------------------------- main


def parse(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--users", type=int, default=200)
    p.add_argument("--spawn-rate", type=float, default=10.0)
    p.add_argument("--run-time", default="60s")
    p.add_argument("--workers", type=int, default=4, help="gunicorn sync workers (default 4 on 2 cores)")
    p.add_argument("--members", type=int, default=2000, help="members with accounts (seed + extra)")
    p.add_argument("--secretaries", type=int, default=10, help="cell secretaries among the users")
    p.add_argument("--smoke", action="store_true", help="20 users, 10 s, seed members only: for CI")
    p.add_argument("--profile", action="store_true", help="py-spy record every gunicorn worker")
    p.add_argument(
        "--login-in-test",
        action="store_true",
        help="log in inside the measured run (the Argon2 login storm) instead of before it",
    )
    p.add_argument(
        "--no-redis",
        action="store_true",
        help="no REDIS_URL: per-worker cache, sessions in PostgreSQL (the setting before Redis)",
    )
    p.add_argument("--keep-db", action="store_true", help="do not drop the database (debugging)")
    p.add_argument("--out", type=Path, help="folder for the logs, CSVs and result JSON")
    args = p.parse_args(argv)
    if args.smoke:
        args.users, args.spawn_rate, args.run_time, args.members = 20, 10.0, "12s", 0
        args.secretaries = 3
    return args


def run(args: argparse.Namespace) -> dict[str, Any]:
    admin = admin_url()
    name = create_db(admin)
    try:
        return _run(args, admin, name)
    finally:
        if not args.keep_db:
            drop_db(admin, name)
            log(f"dropped {name}")


def _run(args: argparse.Namespace, admin: str, name: str) -> dict[str, Any]:
    out = args.out or Path(tempfile.mkdtemp(prefix="kiemdiem-load-"))
    out.mkdir(parents=True, exist_ok=True)
    log(f"database {name}; files in {out}")
    env = {
        **os.environ,
        "DATABASE_URL": db_url(admin, name),
        "DJANGO_SETTINGS_MODULE": "kiemdiem.settings",
        "KIEMDIEM_DATA_DIR": str(out / "data"),
        "KIEMDIEM_SECRET_KEY": os.environ.get("KIEMDIEM_SECRET_KEY", secrets.token_urlsafe(40)),
        "KIEMDIEM_DEBUG": "0",
        "LOAD_MANIFEST": str(out / "manifest.json"),
        "LOAD_ACK_LOG": str(out / "acks.jsonl"),
        "LOAD_TIMES": str(out / "times.json"),
        "LOAD_SAVES": "1,2" if args.smoke else os.environ.get("LOAD_SAVES", "1,3"),
        "LOAD_AUTOSAVE_EVERY": "0.3,1" if args.smoke else os.environ.get("LOAD_AUTOSAVE_EVERY", "15,25"),
        "LOAD_SECRETARIES": str(args.secretaries),
        "LOAD_WAIT": "0.3,1" if args.smoke else os.environ.get("LOAD_WAIT", "1,3"),
    }
    env.pop("DATABASE_REPLICA_URL", None)  # everything on the throwaway database
    env.pop("REDIS_URL", None)
    if not args.no_redis:
        env["REDIS_URL"] = redis_url()
        if not flush_redis(env["REDIS_URL"]):
            raise SystemExit(f"Redis is not reachable at {env['REDIS_URL']} (LOAD_REDIS_URL, or --no-redis)")
    (out / "acks.jsonl").write_text("")
    server: subprocess.Popen[bytes] | None = None
    spies: list[subprocess.Popen[bytes]] = []
    result: dict[str, Any] = {"database": name, "out": str(out), "redis": env.get("REDIS_URL")}
    result["load_average_at_start"] = [round(x, 2) for x in os.getloadavg()]  # before setup and logins
    try:
        t0 = time.perf_counter()
        subprocess.run([_tool("django-admin"), "migrate", "-v0"], env=env, check=True, cwd=out)
        subprocess.run(
            [
                sys.executable,
                str(HERE / "setup_data.py"),
                "--members",
                str(args.members),
                "--out",
                env["LOAD_MANIFEST"],
            ],
            env=env,
            check=True,
            cwd=out,
        )
        manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
        result["setup_seconds"] = round(time.perf_counter() - t0, 1)
        port = free_port()
        host = f"http://127.0.0.1:{port}"
        server = subprocess.Popen(
            [
                _tool("gunicorn"),
                "kiemdiem.wsgi",
                "-w",
                str(args.workers),
                "-b",
                f"127.0.0.1:{port}",
                "--preload",
                "--backlog",
                "2048",
                "--timeout",
                "60",
                "--error-logfile",
                str(out / "gunicorn.log"),
            ],
            env=env,
            cwd=out,
            start_new_session=True,
        )
        wait_http(f"{host}/dang-nhap/")
        for _ in range(4 * args.workers):  # each worker imports and compiles its templates once
            wait_http(f"{host}/dang-nhap/")
        log(f"gunicorn pid {server.pid} on {host}, {args.workers} workers")
        if not args.login_in_test:
            logins = prelogin(host, manifest, args.users, args.secretaries, args.workers)
            (out / "sessions.json").write_text(json.dumps(logins["sessions"]))
            env["LOAD_SESSIONS"] = str(out / "sessions.json")
            result["prelogin"] = logins["stats"]
            log(f"logged in before the rush: {logins['stats']}")
        log(f"locust {args.users} users, {args.run_time}")
        if args.profile:
            duration = int(_seconds(args.run_time)) + 5
            for pid in worker_pids(server.pid):
                spies.append(
                    subprocess.Popen(
                        [
                            _tool("py-spy"),
                            "record",
                            "-p",
                            str(pid),
                            "-d",
                            str(duration),
                            "-r",
                            "50",
                            "-f",
                            "raw",
                            "-o",
                            str(out / f"py-spy-{pid}.txt"),
                            "--nonblocking",
                        ],
                        stdout=subprocess.DEVNULL,
                        stderr=subprocess.DEVNULL,
                    )
                )
        result["load_average"] = [round(x, 2) for x in os.getloadavg()]
        sampler = BackendSampler(name)
        sampler.sample()
        sampler.start()
        cpu_before = cpu_snapshot(server.pid)
        started = time.perf_counter()
        subprocess.run(
            [
                _tool("locust"),
                "-f",
                str(HERE / "locustfile.py"),
                "--headless",
                "--users",
                str(args.users),
                "--spawn-rate",
                str(args.spawn_rate),
                "--run-time",
                args.run_time,
                "--stop-timeout",
                "5",
                "-H",
                host,
                "--csv",
                str(out / "locust"),
                "--only-summary",
                "--loglevel",
                "WARNING",
                "--exit-code-on-error",
                "0",
            ],
            env=env,
            cwd=out,
            check=True,
            stdout=open(out / "locust.log", "wb"),  # noqa: SIM115
            stderr=subprocess.STDOUT,
            timeout=_seconds(args.run_time) + 120,
        )
        wall = time.perf_counter() - started
        result["cpu"] = cpu_use(cpu_before, cpu_snapshot(server.pid), sampler.stop())
        for spy in spies:
            spy.wait(timeout=_seconds(args.run_time) + 60)
    finally:
        if server is not None:
            os.killpg(server.pid, signal.SIGTERM)
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
        for spy in spies:
            if spy.poll() is None:
                spy.terminate()
    times = json.loads((out / "times.json").read_text(encoding="utf-8"))
    summary = summarize(times, wall)
    summary["members"] = len(manifest["members"])
    summary["redis"] = env.get("REDIS_URL")
    summary["cpu"], summary["load"] = result["cpu"], result["load_average"]
    summary["load_at_start"] = result["load_average_at_start"]
    if "prelogin" in result:
        summary["prelogin"] = result["prelogin"]
    subprocess.run(
        [
            sys.executable,
            str(HERE / "check.py"),
            "--acks",
            env["LOAD_ACK_LOG"],
            "--manifest",
            env["LOAD_MANIFEST"],
            "--json",
            str(out / "check.json"),
        ],
        env=env,
        cwd=out,
        stdout=open(out / "check.log", "wb"),  # noqa: SIM115
    )
    check = json.loads((out / "check.json").read_text(encoding="utf-8"))
    result.update({"summary": summary, "check": check, "wall_seconds": round(wall, 1)})
    (out / "result.json").write_text(json.dumps(result, indent=1))
    print_summary(summary, check, args)
    if args.profile:
        from profile_report import report

        print(report(sorted(out.glob("py-spy-*.txt"))))
    return result


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    if not postgres_reachable():
        log("PostgreSQL is not reachable on loopback (LOAD_PG_ADMIN_URL)")
        return 2
    result = run(args)
    ok = result["summary"]["all"]["failures"] == 0 and result["check"]["ok"]
    return 0 if ok else 1


if __name__ == "__main__":
    sys.path.insert(0, str(HERE))
    sys.exit(main())
