"""`scope-gap serve` as a process: the address it prints, the browser it opens, the warning off
loopback, and a clean stop on Ctrl-C or SIGTERM that leaves no upload behind."""

from __future__ import annotations

import os
import re
import signal
import socket
import stat
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data" / "incidents.csv"
ADDRESS = re.compile(r"http://\S+?:(\d+)/")


class Server:
    """A `scope-gap serve` subprocess and the lines it has printed."""

    def __init__(self, args: list[str], env: dict[str, str]):
        self.process = subprocess.Popen(
            [sys.executable, "-m", "scope_gap", "serve", *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            env=env,
        )
        self.lines: list[str] = []
        self.seen = threading.Condition()
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            with self.seen:
                self.lines.append(line)
                self.seen.notify_all()
        with self.seen:
            self.lines.append("")  # end of output
            self.seen.notify_all()

    @property
    def output(self) -> str:
        return "".join(self.lines)

    def address(self, timeout: float = 60) -> str:
        deadline = time.monotonic() + timeout
        with self.seen:
            while True:
                match = ADDRESS.search(self.output)
                if match:
                    return match.group(0)
                left = deadline - time.monotonic()
                if left <= 0 or (self.lines and self.lines[-1] == ""):
                    raise AssertionError(f"no address printed: {self.output!r}")
                self.seen.wait(left)

    def stop(self, signum: int = signal.SIGTERM, timeout: float = 30) -> int:
        self.process.send_signal(signum)
        code = self.process.wait(timeout=timeout)
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and not (self.lines and self.lines[-1] == ""):
            time.sleep(0.05)
        return code

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)
        self.reader.join(timeout=10)
        assert self.process.stdout is not None
        self.process.stdout.close()


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    shared = tmp_path / "shared-tmp"
    shared.mkdir()
    values = dict(os.environ)
    values.pop("XDG_RUNTIME_DIR", None)
    values.update(
        {
            "XDG_CACHE_HOME": str(tmp_path / "cache"),
            "TMPDIR": str(shared),  # the system's shared temporary folder, for this process
            "PYTHONUNBUFFERED": "1",
            "SCOPE_GAP_LANG": "en",
        }
    )
    return values


@pytest.fixture
def start(env: dict[str, str]) -> Any:
    started: list[Server] = []

    def run(*args: str, **more: str) -> Server:
        server = Server(list(args), {**env, **more})
        started.append(server)
        return server

    yield run
    for server in started:
        server.kill()


def private_folders(tmp_path: Path) -> list[Path]:
    return sorted((tmp_path / "cache" / "scope-gap").glob("serve-*"))


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "sigterm"])
def test_serve_prints_its_address_and_stops_cleanly(
    start: Any, tmp_path: Path, signum: int
) -> None:
    server = start("--port", "0", "--no-browser")
    address = server.address()
    assert address.startswith("http://127.0.0.1:")
    assert int(ADDRESS.search(address).group(1)) > 0  # type: ignore[union-attr]
    assert httpx.get(address + "healthz").status_code == 200
    (folder,) = private_folders(tmp_path)
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    with DATA.open("rb") as handle:
        answer = httpx.post(
            address + "api/analyze",
            files={"files": ("incidents.csv", handle.read())},
            data={"format": "xlsx"},
            timeout=60,
        )
    assert answer.status_code == 200
    assert answer.content[:2] == b"PK"
    assert list((tmp_path / "shared-tmp").iterdir()) == []  # nothing in the shared folder
    assert server.stop(signum) == 0
    assert "Traceback" not in server.output
    assert "stopped" in server.output
    assert private_folders(tmp_path) == []  # uploads and results removed on exit


def test_any_host_but_loopback_warns_and_answers_only_to_that_name(start: Any) -> None:
    server = start("--host", "0.0.0.0", "--port", "0", "--no-browser")
    address = server.address()
    assert "warning: --host 0.0.0.0" in server.output
    assert "reachable from the network" in server.output
    port = ADDRESS.search(address).group(1)  # type: ignore[union-attr]
    loopback = f"http://127.0.0.1:{port}/healthz"
    assert httpx.get(loopback, headers={"host": f"0.0.0.0:{port}"}).status_code == 200
    assert httpx.get(loopback).status_code == 403  # a name it was not given
    assert server.stop() == 0


def test_loopback_does_not_warn(start: Any) -> None:
    server = start("--port", "0", "--no-browser")
    server.address()
    assert "warning" not in server.output
    assert server.stop() == 0


def test_the_page_opens_in_the_default_browser_unless_told_not_to(
    start: Any, tmp_path: Path
) -> None:
    opened = tmp_path / "opened.txt"
    browser = tmp_path / "browser.sh"
    browser.write_text(f'#!/bin/sh\necho "$1" >> {opened}\n')
    browser.chmod(0o755)
    server = start("--port", "0", BROWSER=f"{browser} %s")
    address = server.address()
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and not opened.exists():
        time.sleep(0.05)
    assert opened.read_text().strip() == address
    assert server.stop() == 0
    quiet = start("--port", "0", "--no-browser", BROWSER=f"{browser} %s")
    quiet.address()
    assert quiet.stop() == 0
    assert opened.read_text().strip() == address  # opened once, by the first server only


def test_a_port_in_use_is_a_clear_error(start: Any) -> None:
    taken = socket.socket()
    taken.bind(("127.0.0.1", 0))
    taken.listen(1)
    try:
        server = start("--port", str(taken.getsockname()[1]), "--no-browser")
        assert server.process.wait(timeout=60) == 1
        time.sleep(0.2)
        assert "Error: cannot listen on 127.0.0.1 port" in server.output
        assert "Traceback" not in server.output
    finally:
        taken.close()


def test_stopping_while_an_analysis_runs_is_clean(start: Any, tmp_path: Path) -> None:
    rows = ["id,title,date,level,event_type"]
    rows += [f"R{i},t,2019,federal,general_election" for i in range(200_000)]
    data = ("\n".join(rows) + "\n").encode()
    server = start("--port", "0", "--no-browser")
    address = server.address()
    answers: list[Any] = []

    def post() -> None:
        try:
            answers.append(
                httpx.post(
                    address + "api/analyze",
                    files={"files": ("big.csv", data)},
                    data={"format": "xlsx"},
                    timeout=120,
                )
            )
        except httpx.HTTPError as exc:
            answers.append(exc)

    sender = threading.Thread(target=post)
    sender.start()
    (folder,) = private_folders(tmp_path)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not answers:
        uploads = list(folder.glob("request-*/upload-1"))
        if uploads and uploads[0].stat().st_size == len(data):
            break  # received whole: the analysis runs
        time.sleep(0.02)
    assert server.stop(signal.SIGTERM, timeout=60) == 0
    sender.join(timeout=60)
    assert "Traceback" not in server.output
    assert "ERROR" not in server.output
    assert private_folders(tmp_path) == []
