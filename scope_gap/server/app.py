"""The local page's web application (Starlette): routes, the Host/Origin checks, the security
headers, the bound on analyses running at once, and the private folder of uploads."""

from __future__ import annotations

import contextlib
import ipaddress
import json
import os
import re
import secrets
import shutil
import sys
import tempfile
import time
import traceback
from collections import OrderedDict
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import anyio
import anyio.to_thread
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..errors import RulesError, ScopeGapError
from ..i18n import LANGUAGES, _, default_language, use_language
from ..readers import limits_from_env
from . import work
from .page import render_page
from .uploads import Form, FormError, private_root, read_form

#: names that reach a server bound to loopback
LOOPBACK_NAMES = ("127.0.0.1", "localhost", "[::1]")
#: the policy of everything but the page and the reports (JSON, downloads of data)
DATA_POLICY = "default-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
#: the policy of an HTML report shown in the page's frame when the report carries none
REPORT_POLICY = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'"
_META_POLICY = re.compile(
    r'<meta http-equiv="Content-Security-Policy" content="([^"]*)">', re.IGNORECASE
)


def is_loopback(host: str) -> bool:
    if host.strip("[]").lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def host_names(host: str, port: int) -> set[str]:
    """The `Host` headers a request to this server may carry (lower case)."""
    names = set(LOOPBACK_NAMES) if is_loopback(host) else set()
    bare = host.strip("[]").lower()
    try:
        names.add(f"[{bare}]" if ipaddress.ip_address(bare).version == 6 else bare)
    except ValueError:
        names.add(bare)
    allowed = {f"{name}:{port}" for name in names}
    if port == 80:
        allowed |= names
    return allowed


@dataclass
class Settings:
    """How the server runs; `port` is the real one (after `--port 0` has taken a free one)."""

    host: str = "127.0.0.1"
    port: int = 8765
    root: Path | None = None  # the private folder; made on start when None
    running: int = 2  # analyses at once
    waiting: int = 8  # requests waiting for their turn; beyond, 503
    idle_seconds: float = 3600.0  # uploads and results kept this long without a request
    results: int = 8  # results the page can still download from


@dataclass
class Stored:
    """A result the page has shown, kept for its downloads."""

    result: Any
    lang: str
    used: float
    rendered: dict[str, work.Rendered] = field(default_factory=dict)


class Busy(Exception):
    """More requests than can run or wait."""


class Workspace:
    """The private folder, the results kept for the page, and the bound on work at once."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self.root = settings.root
        self.results: OrderedDict[str, Stored] = OrderedDict()
        self.inside = 0
        self.semaphore = anyio.Semaphore(settings.running)
        self.last = time.monotonic()

    def open(self) -> Path:
        if self.root is None:
            self.root = private_root()
        self.root.mkdir(mode=0o700, parents=True, exist_ok=True)
        return self.root

    def close(self) -> None:
        """Forget every result and remove the private folder and everything in it."""
        self.results.clear()
        if self.root is not None:
            shutil.rmtree(self.root, ignore_errors=True)

    def touch(self) -> None:
        self.last = time.monotonic()

    def folder(self) -> Path:
        """A new folder for one request's uploads, inside the private folder."""
        return Path(tempfile.mkdtemp(prefix="request-", dir=self.open()))

    @contextlib.asynccontextmanager
    async def turn(self) -> AsyncIterator[None]:
        """A place among the requests that run or wait; Busy when there is none."""
        if self.inside >= self.settings.running + self.settings.waiting:
            raise Busy
        self.inside += 1
        self.touch()
        try:
            yield
        finally:
            self.inside -= 1
            self.touch()

    async def run(self, function: Callable[[], Any], lang: str) -> Any:
        """`function` in a worker thread, in `lang`, when one of the running places is free."""

        def call() -> Any:
            with use_language(lang):
                return function()

        async with self.semaphore:
            return await anyio.to_thread.run_sync(call)

    def keep(self, result: Any, lang: str) -> str:
        token = secrets.token_urlsafe(18)
        self.results[token] = Stored(result, lang, time.monotonic())
        while len(self.results) > self.settings.results:
            self.results.popitem(last=False)
        return token

    def sweep(self) -> None:
        """Forget results unused for an hour; after an hour with no request, empty the folder."""
        now = time.monotonic()
        idle = self.settings.idle_seconds
        for token in [t for t, s in self.results.items() if now - s.used > idle]:
            del self.results[token]
        if self.inside == 0 and now - self.last > self.settings.idle_seconds and self.root:
            self.results.clear()
            for child in list(self.root.iterdir()) if self.root.is_dir() else []:
                shutil.rmtree(child, ignore_errors=True)


def error(message: str, status: int = 400) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status)


def _message(exc: ScopeGapError) -> str:
    """The message the command line prints for the same problem (without its `Error:`)."""
    if isinstance(exc, RulesError):
        return "\n".join(str(e) for e in exc.errors)
    return str(exc)


def _lang_query(request: Request) -> str | None:
    lang = request.query_params.get("lang")
    if lang is None:
        return None
    if lang.lower() not in LANGUAGES:
        raise ScopeGapError(
            _("unknown language '{lang}'; expected one of: {languages}").format(
                lang=lang, languages=", ".join(LANGUAGES)
            )
        )
    return lang.lower()


def _attachment(rendered: work.Rendered) -> Response:
    headers = {"Content-Disposition": f'attachment; filename="{rendered.filename}"'}
    if rendered.media_type.startswith("text/html"):
        headers["Content-Security-Policy"] = _report_policy(rendered.body)
    return Response(rendered.body, media_type=rendered.media_type, headers=headers)


def _report_policy(body: bytes) -> str:
    """The report's own policy (its script's hash), sent as a header too, for its frame."""
    match = _META_POLICY.search(body[:4096].decode("utf-8", "replace"))
    policy = match.group(1) if match else REPORT_POLICY
    return policy + "; frame-ancestors 'self'"


def create_app(settings: Settings | None = None) -> Starlette:
    """The application; `settings.port` must be the port the server really listens on."""
    settings = settings or Settings()
    space = Workspace(settings)

    async def handle(request: Request, action: Callable[[Form, str], Any]) -> Response:
        """Stream the form into a folder of its own, run `action` in a worker thread, answer;
        the folder is removed whatever happens."""
        try:
            async with space.turn():
                folder = space.folder()
                form = Form(folder)
                try:
                    form = await read_form(
                        dict(request.headers), request.stream(), folder, limits_from_env()
                    )
                    lang = work.language_of(form)
                    return await space.run(lambda: action(form, lang), lang)
                finally:
                    form.remove()
        except Busy:
            return error(_("the server is busy with other analyses; try again shortly"), 503)
        except FormError as exc:
            return error(exc.message, exc.status)
        except work.CheckError as exc:
            return JSONResponse(exc.report, status_code=400)
        except ScopeGapError as exc:
            return error(_message(exc))
        except Exception as exc:  # a bug: said in one line, never a traceback to the client
            if os.environ.get("SCOPE_GAP_DEBUG"):
                traceback.print_exc(file=sys.stderr)
            else:
                print(
                    _(work.UNEXPECTED).format(error=type(exc).__name__, message=exc)
                    + " (SCOPE_GAP_DEBUG=1)",
                    file=sys.stderr,
                )
            return error(_(work.UNEXPECTED).format(error=type(exc).__name__, message=exc), 500)

    def analysis_response(form: Form, lang: str) -> Response:
        fmt = work.format_of(form)
        result = work.analyze(form)
        return _attachment(work.render(result, fmt, form.folder))

    def compare_response(form: Form, lang: str) -> Response:
        fmt = work.format_of(form)
        result = work.compare(form)
        return _attachment(work.render(result, fmt, form.folder))

    def check_response(form: Form, lang: str) -> Response:
        return JSONResponse(work.check(form))

    def kept(run: Callable[[Form], Any]) -> Callable[[Form, str], Response]:
        def respond(form: Form, lang: str) -> Response:
            result = run(form)
            token = space.keep(result, lang)
            body = work.summary_of(result)
            body["view"] = f"/page/result/{token}/view"
            body["downloads"] = {fmt: f"/page/result/{token}/{fmt}" for fmt in work.FORMATS}
            return JSONResponse(body)

        return respond

    async def analyze(request: Request) -> Response:
        return await handle(request, analysis_response)

    async def compare(request: Request) -> Response:
        return await handle(request, compare_response)

    async def check(request: Request) -> Response:
        return await handle(request, check_response)

    async def page_analyze(request: Request) -> Response:
        return await handle(request, kept(work.analyze))

    async def page_compare(request: Request) -> Response:
        return await handle(request, kept(work.compare))

    async def result(request: Request) -> Response:
        token = request.path_params["token"]
        what = request.path_params["what"]
        stored = space.results.get(token)
        if stored is None:
            return error(
                _("this result is no longer kept (after an hour unused); analyse again"), 404
            )
        fmt = "html" if what == "view" else what
        if fmt not in work.FORMATS:
            return error(_("unknown format '{format}'{hint}").format(format=fmt, hint=""), 404)
        stored.used = time.monotonic()
        space.touch()
        try:
            async with space.turn():
                if fmt not in stored.rendered:
                    folder = space.folder()
                    try:
                        stored.rendered[fmt] = await space.run(
                            lambda: work.render(stored.result, fmt, folder), stored.lang
                        )
                    finally:
                        shutil.rmtree(folder, ignore_errors=True)
        except Busy:
            return error(_("the server is busy with other analyses; try again shortly"), 503)
        rendered = stored.rendered[fmt]
        if what != "view":
            return _attachment(rendered)
        return Response(
            rendered.body,
            media_type=rendered.media_type,
            headers={"Content-Security-Policy": _report_policy(rendered.body)},
        )

    async def mandates(request: Request) -> Response:
        try:
            lang = _lang_query(request) or default_language()
        except ScopeGapError as exc:
            return error(_message(exc))
        with use_language(lang):
            return JSONResponse(work.mandates())

    async def template(request: Request) -> Response:
        try:
            lang = _lang_query(request) or default_language()
        except ScopeGapError as exc:
            return error(_message(exc))
        try:
            async with space.turn():
                folder = space.folder()
                try:
                    return _attachment(await space.run(lambda: work.template(folder), lang))
                finally:
                    shutil.rmtree(folder, ignore_errors=True)
        except Busy:
            return error(_("the server is busy with other analyses; try again shortly"), 503)

    async def page(request: Request) -> Response:
        lang = request.query_params.get("lang", "").lower()
        if lang not in LANGUAGES:
            lang = _preferred(request.headers.get("accept-language", ""))
        with use_language(lang):
            text, policy = render_page(work.mandates())
        return Response(
            text, media_type="text/html; charset=utf-8", headers={"Content-Security-Policy": policy}
        )

    async def healthz(request: Request) -> Response:
        return PlainTextResponse("ok")

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        space.open()
        async with anyio.create_task_group() as tasks:
            tasks.start_soon(_sweeper, space)
            try:
                yield
            finally:
                tasks.cancel_scope.cancel()
                space.close()

    routes = [
        Route("/", page, methods=["GET"]),
        Route("/healthz", healthz, methods=["GET"]),
        Route("/api/mandates", mandates, methods=["GET"]),
        Route("/api/analyze", analyze, methods=["POST"]),
        Route("/api/compare", compare, methods=["POST"]),
        Route("/api/check", check, methods=["POST"]),
        Route("/api/template", template, methods=["GET"]),
        Route("/page/analyze", page_analyze, methods=["POST"]),
        Route("/page/compare", page_compare, methods=["POST"]),
        Route("/page/result/{token}/{what}", result, methods=["GET"]),
    ]
    async def not_found(request: Request, exc: Exception) -> Response:
        return error(_("there is nothing at {path}").format(path=request.url.path), 404)

    async def not_allowed(request: Request, exc: Exception) -> Response:
        return error(
            _("{method} is not a method {path} answers").format(
                method=request.method, path=request.url.path
            ),
            405,
        )

    app = Starlette(
        routes=routes, lifespan=lifespan, exception_handlers={404: not_found, 405: not_allowed}
    )
    app.state.workspace = space
    app.add_middleware(Guard, allowed=host_names(settings.host, settings.port))
    return app


def _preferred(header: str) -> str:
    """The first of our languages the browser asks for, else SCOPE_GAP_LANG's, else English."""
    for part in header.split(","):
        tag = part.split(";")[0].strip().lower()
        if tag[:2] in LANGUAGES:
            return tag[:2]
    return default_language()


async def _sweeper(space: Workspace) -> None:
    while True:
        await anyio.sleep(min(60.0, max(space.settings.idle_seconds / 4, 0.05)))
        space.sweep()


class Guard:
    """Refuses (403) a request whose Host is not this server's (DNS rebinding) or a POST whose
    Origin, when sent, is not this server's page; adds the security headers to every answer."""

    def __init__(self, app: ASGIApp, allowed: set[str]):
        self.app = app
        self.allowed = allowed
        self.origins = {f"http://{name}" for name in allowed}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        host = headers.get("host", "").strip().lower()
        origin = headers.get("origin")
        refusal = None
        if host not in self.allowed:
            refusal = _("refused: this server answers only to its own address ({address})").format(
                address=sorted(self.allowed)[0]
            )
        elif (
            scope["method"] not in ("GET", "HEAD", "OPTIONS")
            and origin is not None
            and origin.strip().lower() not in self.origins
        ):
            refusal = _("refused: the form was not sent from this server's page")

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                present = {k.lower() for k, _v in message.get("headers", [])}
                extra = [
                    (b"x-content-type-options", b"nosniff"),
                    (b"referrer-policy", b"no-referrer"),
                    (b"cache-control", b"no-store"),
                    (b"cross-origin-opener-policy", b"same-origin"),
                    (b"cross-origin-resource-policy", b"same-origin"),
                ]
                if b"content-security-policy" not in present:
                    extra.append((b"content-security-policy", DATA_POLICY.encode()))
                message["headers"] = list(message.get("headers", [])) + [
                    (k, v) for k, v in extra if k not in present
                ]
            await send(message)

        if refusal is not None:
            response = Response(
                json.dumps({"error": refusal}), status_code=403, media_type="application/json"
            )
            await response(scope, receive, send_with_headers)
            return
        await self.app(scope, receive, send_with_headers)
