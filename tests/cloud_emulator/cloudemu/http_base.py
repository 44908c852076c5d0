"""Plain request/response values and the threaded HTTP(S) server every listener uses.

A service is an object with `name` and `handle(Request) -> Response`, plus `throttled(Request, seconds)`
and `unavailable(Request, seconds)` that build its own 429/503 bodies. Handlers never see sockets, so
$batch can dispatch an inner request through the same `handle`."""

import json
import logging
import os
import socket
import ssl
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

log = logging.getLogger("emulator.http")

MAX_BODY = 32 * 1024 * 1024
JSON_TYPE = "application/json; charset=utf-8"


class HttpError(Exception):
    """Raised by handlers to answer with a prepared response."""

    def __init__(self, response):
        super().__init__(response.status)
        self.response = response


class Request:
    def __init__(self, method, target, headers, body, base_url):
        self.method = method.upper()
        self.target = target
        self.base_url = base_url  # e.g. https://127.0.0.1:9442 (no trailing slash)
        parts = urllib.parse.urlsplit(target)
        self.raw_path = parts.path
        self.path = urllib.parse.unquote(parts.path)
        self.raw_query = parts.query
        self.query = urllib.parse.parse_qsl(parts.query, keep_blank_values=True)
        self.headers = {k.lower(): v for k, v in headers.items()}
        self.body = body or b""

    def header(self, name, default=None):
        return self.headers.get(name.lower(), default)

    def param(self, name, default=None):
        """First query parameter with this name; OData system options are case-insensitive."""
        low = name.lower()
        for k, v in self.query:
            if k.lower() == low:
                return v
        return default

    def json(self):
        return json.loads(self.body.decode("utf-8")) if self.body else None

    def form(self):
        return dict(urllib.parse.parse_qsl(self.body.decode("utf-8"), keep_blank_values=True))


class Response:
    def __init__(self, status, body=b"", headers=None, content_type=None):
        self.status = status
        self.body = body
        self.headers = list(headers or [])
        if content_type:
            self.headers.append(("Content-Type", content_type))

    @classmethod
    def json(cls, status, obj, headers=None, content_type=JSON_TYPE):
        body = json.dumps(obj, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
        return cls(status, body, headers, content_type)

    def header(self, name):
        for k, v in self.headers:
            if k.lower() == name.lower():
                return v
        return None


def _read_chunked(rfile):
    out = bytearray()
    for _ in range(1_000_000):  # bounded: a chunk per iteration
        line = rfile.readline(1024)
        size = int(line.split(b";")[0].strip() or b"0", 16)
        if size == 0:
            while rfile.readline(1024) not in (b"\r\n", b"\n", b""):
                pass
            return bytes(out)
        out += rfile.read(size)
        rfile.readline(8)
        if len(out) > MAX_BODY:
            raise ValueError("body too large")
    raise ValueError("too many chunks")


def apply_faults(service, req, level="http"):
    """Delay, then a 429 or 503 if a fault switch says so. Returns a Response or None."""
    faults = service.faults
    delay = faults.delay_for(service.name)
    if delay:
        time.sleep(delay / 1000.0)
    hit = faults.take(service.name, level)
    if hit is None and level == "http":
        size = faults.take_oversize(service.name)
        if size is not None:  # a 200 whose JSON body is `size` bytes long (a proxy gone wrong, a bomb)
            head, tail = b'{"value":[],"padding":"', b'"}'
            return Response(200, head + b"x" * max(0, size - len(head) - len(tail)) + tail, [], JSON_TYPE)
    if hit is None:
        return None
    kind, seconds = hit
    return service.throttled(req, seconds) if kind == "throttle" else service.unavailable(req, seconds)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "ctim-cloud-emulator"
    sys_version = ""
    timeout = 60  # idle keep-alive connections are closed after this many seconds

    def version_string(self):
        return self.server_version

    def setup(self):
        if isinstance(self.request, ssl.SSLSocket):
            self.request.settimeout(10)
            self.request.do_handshake()
        super().setup()

    def _serve(self):
        service = self.server.service
        t0 = time.monotonic()
        try:
            if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
                body = _read_chunked(self.rfile)
            else:
                length = int(self.headers.get("Content-Length") or 0)
                if length > MAX_BODY:
                    raise ValueError("body too large")
                body = self.rfile.read(length) if length else b""
        except (ValueError, OSError) as e:
            self._send(Response.json(400, {"error": {"code": "BadRequest", "message": str(e)}}))
            return
        req = Request(self.command, self.path, dict(self.headers.items()), body, self.server.base_url)
        resp = apply_faults(service, req)
        if resp is None:
            try:
                resp = service.handle(req)
            except HttpError as e:
                resp = e.response
            except Exception:  # a bug in the emulator: answer 500 and keep serving
                log.exception("%s %s %s failed", service.name, req.method, req.path)
                resp = Response.json(500, {"error": {"code": "InternalServerError",
                                                     "message": "emulator bug; see its log"}})
        service.counters.count_http(service.name, resp.status, getattr(req, "route", None))
        self._send(resp)
        log.info("%s %s %s -> %d %.0fms", service.name, req.method, req.target[:300], resp.status,
                 (time.monotonic() - t0) * 1000)

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _serve

    def _send(self, resp):
        # Status line, headers and body leave in ONE write: written separately, the body waits for the
        # client's delayed ACK of the headers (Nagle), which costs every call 40-50 ms.
        self.send_response(resp.status)
        for k, v in resp.headers:
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(resp.body)))
        self._headers_buffer.append(b"\r\n")
        if self.command != "HEAD":
            self._headers_buffer.append(resp.body)
        self.flush_headers()

    def log_message(self, fmt, *args):  # request lines are logged by _serve
        log.debug(fmt, *args)


def url_host():
    """The name the emulator's URLs carry (its listeners always bind 127.0.0.1): 127.0.0.1, or localhost with
    CTIM_EMU_HOST=localhost, for a client that matches no IP-address SAN (Wine's WinHTTP, doc/windows.md).
    Anything else is refused: the emulator is only ever reached on loopback."""
    host = os.environ.get("CTIM_EMU_HOST") or "127.0.0.1"
    if host not in ("127.0.0.1", "localhost"):
        raise SystemExit(f"emulator: CTIM_EMU_HOST={host!r}: only 127.0.0.1 or localhost")
    return host


class Server(ThreadingHTTPServer):
    """One listener on 127.0.0.1. With an SSL context the TLS handshake runs in the connection's own
    thread, so a client that stalls the handshake cannot block the accept loop."""

    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 64

    def __init__(self, port, service, ssl_context=None):
        self.service = service
        self.ssl_context = ssl_context
        super().__init__(("127.0.0.1", port), _Handler)
        scheme = "https" if ssl_context else "http"
        self.base_url = f"{scheme}://{url_host()}:{self.server_address[1]}"

    def get_request(self):
        sock, addr = super().get_request()
        # Small answers go out at once instead of waiting for the client's ACK (Nagle's algorithm).
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        if self.ssl_context is not None:
            sock = self.ssl_context.wrap_socket(sock, server_side=True, do_handshake_on_connect=False)
        return sock, addr

    def handle_error(self, request, client_address):
        # A client that rejects our certificate (wrong CA) or drops the connection is not our error.
        log.debug("connection from %s ended with an error", client_address, exc_info=True)


def server_ssl_context(cert_path, key_path):
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.minimum_version = ssl.TLSVersion.TLSv1_2
    ctx.load_cert_chain(cert_path, key_path)
    return ctx


def free_port():
    """A port the kernel considers free on 127.0.0.1 right now (for tests)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
