"""HTTPS servers for the WinHTTP client tests, on localhost, one port per certificate:
    tls_test_server.py DIR PORT_GOOD PORT_WRONG_NAME PORT_UNTRUSTED MAX_SECONDS
  good        localhost.pem (from ca.pem, which the test trusts)
  wrong name  other.pem (same CA, names other.invalid)
  untrusted   selfsigned.pem (names localhost, no trusted issuer)
Routes: /echo (JSON: method, path, authorization, content_type, body), /big (N bytes with Content-Length),
/chunked?n=N (N bytes, chunked), /slow (answers after 5 s), /redirect (302 to /echo). Exits by itself after
MAX_SECONDS, so a test run that dies leaves nothing behind for long."""
import http.server, json, ssl, sys, threading, time, urllib.parse

d, good, wrong, untrusted, max_seconds = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), float(sys.argv[5])

class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def _send(self, status, body, headers=()):
        self.send_response(status)
        for k, v in headers:
            self.send_header(k, v)
        if body is not None:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if body:
            self.wfile.write(body)

    def _handle(self):
        url = urllib.parse.urlparse(self.path)
        query = urllib.parse.parse_qs(url.query)
        n = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(n) if n else b""
        if url.path == "/echo":
            out = json.dumps({"method": self.command, "path": self.path,
                              "authorization": self.headers.get("Authorization", ""),
                              "content_type": self.headers.get("Content-Type", ""),
                              "body": body.decode("utf-8", "replace")}).encode()
            self._send(200, out, [("Content-Type", "application/json"), ("X-Test", "yes")])
        elif url.path == "/big":
            self._send(200, b"x" * int(query.get("n", ["5000"])[0]))
        elif url.path == "/chunked":
            self.send_response(200)
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            left = int(query.get("n", ["5000"])[0])
            while left > 0:
                k = min(left, 1000)
                self.wfile.write(b"%x\r\n" % k + b"y" * k + b"\r\n")
                left -= k
            self.wfile.write(b"0\r\n\r\n")
        elif url.path == "/slow":
            time.sleep(5)
            self._send(200, b"late")
        elif url.path == "/redirect":
            self._send(302, b"", [("Location", "/echo")])
        else:
            self._send(404, b"no such route")

    do_GET = do_POST = _handle

    def log_message(self, fmt, *args):
        pass

def serve(port, name):
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", port), Handler)
    srv.daemon_threads = True
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(f"{d}/{name}.pem", f"{d}/{name}.key")
    srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
    threading.Thread(target=srv.serve_forever, daemon=True).start()

serve(good, "localhost")
serve(wrong, "other")
serve(untrusted, "selfsigned")
print("ready", flush=True)
time.sleep(max_seconds)
