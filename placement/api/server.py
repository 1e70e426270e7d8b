"""The HTTP server around the application: what aiohttp answers before the application runs.

aiohttp answers a request it cannot parse (a request line or header over 8 kB, broken HTTP) by
itself, in text/plain, naming its version. Here those answers are problem+json like every other
error, with the same security headers; and a client gets a limited time to send its request
headers (a slow client dribbling bytes cannot hold a connection open for minutes).
"""

from __future__ import annotations

import asyncio
from typing import Any

import structlog
from aiohttp import web
from aiohttp.http_exceptions import LineTooLong
from aiohttp.web_protocol import RequestHandler
from aiohttp.web_request import BaseRequest
from aiohttp.web_response import StreamResponse

from placement.api.middleware import apply_security_headers, render
from placement.errors import BadRequest, PlacementError

log = structlog.get_logger(__name__)

HEADER_READ_TIMEOUT_S = 10.0
MAX_LINE_SIZE = 8190
MAX_FIELD_SIZE = 8190


class _ProblemRequestHandler(RequestHandler):
    """aiohttp's connection handler, with problem+json errors and a header read timeout."""

    def __init__(
        self, *args: Any, header_read_timeout_s: float = HEADER_READ_TIMEOUT_S, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.header_read_timeout_s = header_read_timeout_s
        self._header_timer: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        super().connection_made(transport)
        self._arm_header_timer()

    def connection_lost(self, exc: BaseException | None) -> None:
        self._disarm_header_timer()
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        before = self._request_count
        super().data_received(data)
        if self._request_count != before:
            self._disarm_header_timer()  # a request's headers are complete
        elif self._current_request is None and not self._messages:
            self._arm_header_timer()  # the start of the next request on a kept-alive connection

    def _arm_header_timer(self) -> None:
        if self._header_timer is None:
            self._header_timer = self._loop.call_later(self.header_read_timeout_s, self._headers_too_slow)

    def _disarm_header_timer(self) -> None:
        if self._header_timer is not None:
            self._header_timer.cancel()
            self._header_timer = None

    def _headers_too_slow(self) -> None:
        self._header_timer = None
        if self._current_request is None and not self._messages and self.transport is not None:
            log.info("header_read_timeout", timeout_s=self.header_read_timeout_s)
            self.force_close()
            self.transport.close()

    def handle_error(
        self,
        request: BaseRequest,
        status: int = 500,
        exc: BaseException | None = None,
        message: str | None = None,
    ) -> StreamResponse:
        if request.writer.output_size > 0:
            return super().handle_error(request, status, exc, message)
        if status < 500:
            detail = (
                f"Begäran kunde inte läsas: en rad eller ett huvud är för lång (högst {MAX_LINE_SIZE} tecken)"
                if isinstance(exc, LineTooLong)
                else "Begäran kunde inte läsas: den följer inte HTTP"
            )
            log.info("request_unreadable", status=status, error=type(exc).__name__ if exc else None)
            problem: PlacementError = BadRequest(detail)
            problem.status = status
        else:
            log.error("request_failed_outside_application", exc_info=exc)
            problem = PlacementError("Ett oväntat fel inträffade; det är loggat")
        response = render(request, None, problem)
        apply_security_headers(response)
        response.force_close()
        return response


class _Server(web.Server):
    def __call__(self) -> RequestHandler:
        return _ProblemRequestHandler(self, loop=self._loop, **self._kwargs)


class ServiceRunner(web.AppRunner):
    """The AppRunner the service (and its tests) serve with."""

    def __init__(
        self, app: web.Application, *, header_read_timeout_s: float = HEADER_READ_TIMEOUT_S, **kwargs: Any
    ) -> None:
        kwargs.setdefault("max_line_size", MAX_LINE_SIZE)
        kwargs.setdefault("max_field_size", MAX_FIELD_SIZE)
        super().__init__(app, **kwargs)
        self.header_read_timeout_s = header_read_timeout_s

    async def _make_server(self) -> web.Server:
        server = await super()._make_server()
        return _Server(
            server.request_handler,
            request_factory=server.request_factory,
            handler_cancellation=server.handler_cancellation,
            loop=server._loop,
            header_read_timeout_s=self.header_read_timeout_s,
            **server._kwargs,
        )
