"""`scope-gap serve`: the local page for people who do not use a terminal.

Starlette and uvicorn are imported here only, so that the rest of the command line starts
fast. The server runs in this process, binds to loopback unless told otherwise, and keeps
every upload in a private folder of its own that it removes when it stops.
"""

from __future__ import annotations

import asyncio
import logging
import os
import shutil
import signal
import socket
import sys
import tempfile
import threading
from collections.abc import Callable
from typing import Any

from ..i18n import _
from .app import Settings, create_app, is_loopback
from .uploads import private_root

__all__ = ["Settings", "create_app", "serve"]


def _bind(host: str, port: int) -> socket.socket:
    """A listening socket on host:port (port 0: a free one the system picks)."""
    bare = host.strip("[]")
    family = socket.AF_INET6 if ":" in bare else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((bare, port))
    except OSError:
        sock.close()
        raise
    sock.listen(128)
    sock.set_inheritable(True)
    return sock


class _QuietStop(logging.Filter):
    """Stopping while an analysis runs is not an error: uvicorn would log the cancelled
    request with a traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info and isinstance(record.exc_info[1], asyncio.CancelledError):
            return False
        return "timeout graceful shutdown exceeded" not in record.getMessage()


def address_of(host: str, port: int) -> str:
    bare = host.strip("[]")
    shown = f"[{bare}]" if ":" in bare else bare
    return f"http://{shown}:{port}/"


def serve(
    host: str = "127.0.0.1",
    port: int = 8765,
    open_browser: bool = True,
    echo: Callable[[str], Any] | None = None,
) -> None:
    """Serve the page until Ctrl-C or SIGTERM; the private folder is removed on the way out."""
    import uvicorn

    say = echo or (lambda text: print(text, flush=True))
    if not is_loopback(host):
        say(
            _(
                "warning: --host {host} makes the page and the data sent to it reachable from "
                "the network, without a password; use it only on a network you trust"
            ).format(host=host)
        )
    sock = _bind(host, port)
    port = sock.getsockname()[1]
    root = private_root()
    # anything a library spools to a temporary file (openpyxl does) stays in the private folder
    tempfile.tempdir = str(root)
    app = create_app(Settings(host=host, port=port, root=root))
    config = uvicorn.Config(
        app,
        log_level="warning",
        access_log=False,
        lifespan="on",
        timeout_graceful_shutdown=3,
        server_header=False,
    )
    server = uvicorn.Server(config)
    logging.getLogger("uvicorn.error").addFilter(_QuietStop())
    address = address_of(host, port)

    def stop(signum: int, frame: Any) -> None:
        server.should_exit = True

    previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGINT, signal.SIGTERM)}

    def announce() -> None:
        while not server.started and not server.should_exit:
            threading.Event().wait(0.05)
        if server.started:
            say(_("scope-gap serve: {address} (Ctrl-C stops it)").format(address=address))
            if open_browser:
                import webbrowser

                webbrowser.open(address)

    threading.Thread(target=announce, daemon=True).start()
    try:
        server.run(sockets=[sock])
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        sock.close()
        shutil.rmtree(root, ignore_errors=True)
        tempfile.tempdir = None
    say(_("stopped; the uploads are deleted"))
    busy = [t for t in threading.enumerate() if t is not threading.main_thread() and not t.daemon]
    if busy:  # an analysis still running in a worker thread: its result is no longer wanted
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(0)
