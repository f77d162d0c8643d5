"""The deadline rush: members write, autosave and submit their self-reviews and cast their secret
ballots, while cell secretaries watch their cell and the office watches the plan's progress.

Driven by ``bench/load/run.py`` (which sets the environment below); loopback only.

- ``LOAD_MANIFEST``: JSON written by ``setup_data.py`` (accounts, subjects, ballot boxes, password).
- ``LOAD_ACK_LOG``: JSON-lines file where every write is logged as attempted, then as acknowledged
  (2xx and the success the page or JSON reports), for the no-lost-writes check in ``check.py``.

Each simulated user logs in once (Argon2 verification, about 130 ms of two cores' time, is paid once
per session as in real life) and keeps its session cookie for the rest of the run.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import re
import time
from typing import Any

from locust import HttpUser, between, events, task
from locust.exception import StopUser

_MANIFEST: dict[str, Any] = json.loads(open(os.environ["LOAD_MANIFEST"], encoding="utf-8").read())
_ACK = open(os.environ["LOAD_ACK_LOG"], "a", encoding="utf-8", buffering=1)  # noqa: SIM115
# Sessions logged in by run.py before the rush (same member order); without them, users log in here.
_SESSIONS: list[dict[str, Any]] = (
    json.loads(open(os.environ["LOAD_SESSIONS"], encoding="utf-8").read())
    if os.environ.get("LOAD_SESSIONS")
    else []
)
_MEMBERS = iter(
    [s for s in _SESSIONS if s["role"] == "member"]
    or random.Random(6).sample(_MANIFEST["members"], len(_MANIFEST["members"]))
)
_SECRETARIES = itertools.cycle([s for s in _SESSIONS if s["role"] == "secretary"] or _MANIFEST["secretaries"])
_OFFICE = next((s for s in _SESSIONS if s["role"] == "office"), {"username": _MANIFEST["office"]})
PASSWORD: str = _MANIFEST["password"]
# Think time between a member's requests, in seconds.
WAIT = tuple(float(x) for x in os.environ.get("LOAD_WAIT", "1,3").split(","))
# Seconds between autosaves: autosave.js saves every 20 s.
AUTOSAVE_EVERY = tuple(float(x) for x in os.environ.get("LOAD_AUTOSAVE_EVERY", "15,25").split(","))
# Autosaves before submitting (a member typing for a while); the smoke run uses fewer.
SAVES = tuple(int(x) for x in os.environ.get("LOAD_SAVES", "1,3").split(","))

_CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
_AUTOSAVE_URL = re.compile(r'data-autosave-url="/kiem-diem/ban/(\d+)/luu-nhap/"')
_VERSION = re.compile(r'name="version" value="(\d+)"')
_SECTIONS = re.compile(r'name="(section_\d+)"')
_RECEIPT = re.compile(r'<p class="receipt">([0-9A-Z-]+)</p>')
_SUBMITTED = "Đã nộp bản kiểm điểm."


def log(kind: str, **fields: Any) -> None:
    _ACK.write(json.dumps({"t": kind, "at": time.time(), **fields}) + "\n")


@events.test_start.add_listener
def _loopback_only(environment: Any, **_: Any) -> None:
    host = environment.host or ""
    if not re.match(r"^http://(127\.0\.0\.1|localhost)(:\d+)?/?$", host):
        raise SystemExit(f"refusing to load anything but loopback: {host!r}")


class _Session(HttpUser):
    abstract = True

    def _login(self, username: str, cookies: list[list[str]] | None = None) -> None:
        self.username = username
        if cookies:  # logged in before the rush: reuse the session (same cookie domain and path)
            for name, value, domain, path in cookies:
                self.client.cookies.set(name, value, domain=domain, path=path)
            return
        page = self.client.get("/dang-nhap/", name="login page")
        token = _CSRF_INPUT.search(page.text)
        with self.client.post(
            "/dang-nhap/",
            data={
                "username": username,
                "password": PASSWORD,
                "csrfmiddlewaretoken": token.group(1) if token else "",
            },
            headers={"Referer": f"{self.host}/dang-nhap/"},
            name="login",
            catch_response=True,
            allow_redirects=False,
        ) as resp:
            if resp.status_code != 302:
                resp.failure(f"login refused for {username}: {resp.status_code}")
                raise StopUser

    def _csrf(self) -> str:
        return self.client.cookies.get("csrftoken", "")


class MemberUser(_Session):
    """A member: open the tasks, write the review with autosaves, submit it, vote, check the receipt."""

    weight = 1

    def wait_time(self) -> float:
        """Clicks come 1–3 s apart; while a member types, the page autosaves every 20 s (autosave.js),
        so the wait before an autosave is the autosave interval, jittered."""
        if getattr(self, "review_id", None) is not None and not self.submitted and self.saves_left > 0:
            return random.uniform(*AUTOSAVE_EVERY)
        return random.uniform(*WAIT)

    def on_start(self) -> None:
        try:
            self.member = next(_MEMBERS)
        except StopIteration as exc:
            raise StopUser from exc
        self._login(self.member["username"], self.member.get("cookies"))
        self.review_id: int | None = None
        self.version = 0
        self.sections: list[str] = []
        self.saves_left = random.randint(*SAVES)
        self.submitted = False
        self.voted = self.member["box"] is None
        self.receipt = ""
        self.n = 0

    def _payload(self, action: str = "") -> dict[str, str]:
        self.n += 1
        text = f"Tải {self.username} lần {self.n}: hoàn thành nhiệm vụ được giao, giữ gìn phẩm chất."
        data = {
            "version": str(self.version),
            "strengths": text,
            "shortcomings": "Đôi khi chưa chủ động.",
            "remedies": "Tích cực học tập.",
            "self_level": "HTTNV",
            "score_general": "25",
            "score_tasks": "60",
            "tasks_total": "10",
            "tasks_done": "10",
        }
        for name in self.sections:
            data[name] = f"Nội dung {name} ({self.n})."
        if action:
            data["action"] = action
        data["csrfmiddlewaretoken"] = self._csrf()
        return data

    def _open_review(self) -> None:
        with self.client.get(
            f"/kiem-diem/{self.member['subject']}/", name="review form", catch_response=True
        ) as resp:
            found = _AUTOSAVE_URL.search(resp.text)
            version = _VERSION.search(resp.text)
            if resp.status_code != 200:
                resp.failure(f"review form {resp.status_code}")
                return
            if found is None:
                if self.submitted or "Đã nộp" in resp.text:
                    self.submitted = True
                    return
                resp.failure("no autosave url on an editable review")
                return
            self.review_id = int(found.group(1))
            self.version = int(version.group(1)) if version else 0
            self.sections = sorted(set(_SECTIONS.findall(resp.text)))

    def _autosave(self) -> None:
        data = self._payload()
        log("autosave_try", review=self.review_id, version=self.version)
        with self.client.post(
            f"/kiem-diem/ban/{self.review_id}/luu-nhap/",
            data=data,
            headers={"X-CSRFToken": self._csrf(), "Referer": f"{self.host}/"},
            name="autosave",
            catch_response=True,
        ) as resp:
            try:
                body = resp.json()
            except ValueError:
                body = {}
            if resp.status_code != 200 or not body.get("ok"):
                resp.failure(f"autosave {resp.status_code}: {body.get('error', resp.text[:80])}")
                return
            self.version = int(body["version"])
            log("autosave", review=self.review_id, version=self.version, text=data["strengths"])
            self.saves_left -= 1

    def _submit(self) -> None:
        data = self._payload("submit")
        log("submit_try", review=self.review_id)
        with self.client.post(
            f"/kiem-diem/{self.member['subject']}/",
            data=data,
            headers={"Referer": f"{self.host}/kiem-diem/{self.member['subject']}/"},
            name="submit",
            catch_response=True,
        ) as resp:
            if resp.status_code != 200 or _SUBMITTED not in resp.text:
                resp.failure(f"submit not acknowledged ({resp.status_code})")
                return
            self.submitted = True
            log("submit", review=self.review_id, text=data["strengths"])

    def _vote(self) -> None:
        box = self.member["box"]
        page = self.client.get(f"/phieu/{box}/", name="ballot page")
        if page.status_code != 200:
            return
        level = random.choice(["HTXSNV", "HTTNV", "HTTNV", "HTNV"])
        log("vote_try", box=box)
        with self.client.post(
            f"/phieu/{box}/",
            data={"level": level, "csrfmiddlewaretoken": self._csrf()},
            headers={"Referer": f"{self.host}/phieu/{box}/"},
            name="vote",
            catch_response=True,
        ) as resp:
            found = _RECEIPT.search(resp.text)
            if resp.status_code != 200 or found is None:
                resp.failure(f"vote not acknowledged ({resp.status_code})")
                return
            self.voted = True
            self.receipt = found.group(1)
            log("vote", box=box, code=self.receipt, level=level)

    @task
    def step(self) -> None:
        if self.review_id is None and not self.submitted:
            self.client.get("/viec-cua-toi/", name="my tasks")
            self._open_review()
        elif not self.submitted and self.saves_left > 0:
            self._autosave()
        elif not self.submitted:
            self._submit()
        elif not self.voted:
            self._vote()
        elif random.random() < 0.5:
            self.client.get("/viec-cua-toi/", name="my tasks")
        else:
            self.client.get(f"/kiem-diem/{self.member['subject']}/", name="review form")


class SecretaryUser(_Session):
    """A cell secretary watching the cell: the dashboard and the cell's review page."""

    fixed_count = int(os.environ.get("LOAD_SECRETARIES", "10"))
    wait_time = between(2, 5)

    def on_start(self) -> None:
        self.sec = next(_SECRETARIES)
        self._login(self.sec["username"], self.sec.get("cookies"))

    @task(2)
    def dashboard(self) -> None:
        self.client.get("/", name="dashboard")

    @task(1)
    def cell_reviews(self) -> None:
        self.client.get(f"/ke-hoach/{_MANIFEST['plan']}/chi-bo/{self.sec['cell']}/", name="cell reviews")


class OfficeUser(_Session):
    """The committee office watching the plan's progress."""

    fixed_count = 1
    wait_time = between(2, 5)

    def on_start(self) -> None:
        self._login(_OFFICE["username"], _OFFICE.get("cookies"))

    @task
    def progress(self) -> None:
        self.client.get(f"/ke-hoach/{_MANIFEST['plan']}/tien-do/", name="plan progress")


_TIMES: list[tuple[str, str, float, bool]] = []


@events.request.add_listener
def _record(request_type: str, name: str, response_time: float, exception: Any, **_: Any) -> None:
    _TIMES.append((request_type, name, response_time, exception is None))


@events.user_error.add_listener
def _user_error(user_instance: Any, exception: Exception, tb: Any, **_: Any) -> None:
    """An exception inside a task (a bug of the test or an unexpected page) counts as an error."""
    _TIMES.append(("ERROR", f"task error: {type(exception).__name__}", 0.0, False))


@events.quitting.add_listener
def _dump(environment: Any, **_: Any) -> None:
    path = os.environ.get("LOAD_TIMES")
    if path:
        with open(path, "w", encoding="utf-8") as f:
            json.dump(_TIMES, f)
