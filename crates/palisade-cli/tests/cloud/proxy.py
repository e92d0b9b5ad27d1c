"""A misbehaving front for moto, for the `palisade cloud aws` bad-case tests: it forwards
every request to moto except those it is told to break, chosen by the service and region
of the request's SigV4 credential scope (Authorization: ... Credential=KEY/DATE/REGION/SERVICE/...).

usage: python proxy.py UPSTREAM [--deny SERVICE] [--hang REGION] [--throttle SERVICE N]
  --deny SERVICE       answer 403 AccessDeniedException to every call of SERVICE
  --hang REGION        accept calls for REGION and never answer
  --throttle SERVICE N answer the first N calls of SERVICE with 429 TooManyRequestsException
Prints the port it listens on (127.0.0.1), then serves until killed; a count of
throttled answers is written to standard error as they happen.
"""
import http.server
import json
import re
import sys
import threading
import time
import urllib.error
import urllib.request

UPSTREAM = sys.argv[1].rstrip("/")
args = sys.argv[2:]
DENY, HANG, THROTTLE = set(), set(), {}
while args:
    flag = args.pop(0)
    if flag == "--deny":
        DENY.add(args.pop(0))
    elif flag == "--hang":
        HANG.add(args.pop(0))
    elif flag == "--throttle":
        service = args.pop(0)
        THROTTLE[service] = int(args.pop(0))
    else:
        sys.exit(f"unknown flag {flag}")
LOCK = threading.Lock()
SCOPE = re.compile(r"Credential=[^/]+/\d+/([^/]+)/([^/]+)/")


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *a):
        pass

    def answer(self, status, body, headers=()):
        data = body.encode()
        self.send_response(status)
        for k, v in headers:
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def handle_any(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        m = SCOPE.search(self.headers.get("Authorization", ""))
        region, service = (m.group(1), m.group(2)) if m else ("", "")
        if region in HANG:
            time.sleep(3600)
            return
        if service in DENY:
            msg = f"User: arn:aws:iam::123456789012:user/scanner is not authorized to perform: {service}:call"
            self.answer(403, json.dumps({"message": msg, "Message": msg}),
                        [("Content-Type", "application/json"),
                         ("x-amzn-ErrorType", "AccessDeniedException")])
            return
        with LOCK:
            throttle = THROTTLE.get(service, 0) > 0
            if throttle:
                THROTTLE[service] -= 1
        if throttle:
            print(f"throttled {service}", file=sys.stderr, flush=True)
            self.answer(429, json.dumps({"message": "Rate exceeded", "Type": "User"}),
                        [("Content-Type", "application/json"),
                         ("x-amzn-ErrorType", "TooManyRequestsException")])
            return
        req = urllib.request.Request(UPSTREAM + self.path, data=body or None, method=self.command)
        for k, v in self.headers.items():
            if k.lower() not in ("host", "content-length", "connection"):
                req.add_header(k, v)
        try:
            with urllib.request.urlopen(req, timeout=60) as r:
                status, headers, data = r.status, r.headers.items(), r.read()
        except urllib.error.HTTPError as e:
            status, headers, data = e.code, e.headers.items(), e.read()
        self.send_response(status)
        for k, v in headers:
            if k.lower() not in ("content-length", "transfer-encoding", "connection", "server", "date"):
                self.send_header(k, v)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = handle_any


server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
server.daemon_threads = True
print(server.server_address[1], flush=True)
server.serve_forever()
