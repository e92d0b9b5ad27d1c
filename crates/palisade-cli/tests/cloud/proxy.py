"""A misbehaving front for moto, for the `palisade cloud aws` bad-case tests: it forwards
every request to moto except those it is told to break, chosen by the service and region
of the request's SigV4 credential scope (Authorization: ... Credential=KEY/DATE/REGION/SERVICE/...).

It also adds to Lambda's answers what moto 5.1 does not keep, and writes the
`LastModified` of event invoke configs as epoch seconds (moto writes an ISO date, which the
API does not; the SDK cannot read it).

usage: python proxy.py UPSTREAM [--deny SERVICE] [--hang REGION] [--throttle SERVICE N]
                                [--dead-letter FUNCTION TARGET] [--invoke-config ARN TARGET]
  --deny SERVICE       answer 403 AccessDeniedException to every call of SERVICE, or to
                       one operation of a JSON-protocol service named by its X-Amz-Target
                       (`AmazonSQS.GetQueueAttributes`)
  --hang REGION        accept calls for REGION and never answer
  --throttle SERVICE N answer the first N calls of SERVICE with 429 TooManyRequestsException
  --dead-letter FUNCTION TARGET   give FUNCTION's configuration DeadLetterConfig.TargetArn
                       TARGET (moto drops DeadLetterConfig)
  --invoke-config ARN TARGET      list an event invoke config for the qualified function ARN
                       (NAME:ALIAS) with on-failure destination TARGET (`-`: none) in
                       ListFunctionEventInvokeConfigs (moto ignores qualifiers)
Prints the port it listens on (127.0.0.1), then serves until killed; a count of
throttled answers is written to standard error as they happen. `GET /_proxy/calls`
answers how many times each SQS and SNS operation was called for each queue or topic
(`{"AmazonSQS.GetQueueUrl enc-dlq": 1, "GetTopicAttributes arn:...": 1}`).
"""
import http.server
import json
import re
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

UPSTREAM = sys.argv[1].rstrip("/")
args = sys.argv[2:]
DENY, HANG, THROTTLE, DEAD_LETTER, INVOKE_CONFIGS = set(), set(), {}, {}, []
while args:
    flag = args.pop(0)
    if flag == "--deny":
        DENY.add(args.pop(0))
    elif flag == "--hang":
        HANG.add(args.pop(0))
    elif flag == "--dead-letter":
        name = args.pop(0)
        DEAD_LETTER[name] = args.pop(0)
    elif flag == "--invoke-config":
        arn = args.pop(0)
        INVOKE_CONFIGS.append((arn, args.pop(0)))
    elif flag == "--throttle":
        service = args.pop(0)
        THROTTLE[service] = int(args.pop(0))
    else:
        sys.exit(f"unknown flag {flag}")
LOCK = threading.Lock()
CALLS = {}
SCOPE = re.compile(r"Credential=[^/]+/\d+/([^/]+)/([^/]+)/")
LIST_CONFIGS = re.compile(r"/functions/([^/?]+)/event-invoke-config/list")


def epoch(value):
    """An ISO date (moto) as epoch seconds; anything else as it is."""
    from datetime import datetime, timezone
    m = re.match(r"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)", value) if isinstance(value, str) else None
    if not m:
        return value
    return datetime.strptime(m.group(1), "%Y-%m-%dT%H:%M:%S").replace(tzinfo=timezone.utc).timestamp()


def rewrite_lambda(path, data):
    """What moto does not keep, added to its Lambda answers (JSON)."""
    try:
        doc = json.loads(data)
    except ValueError:
        return data
    if not isinstance(doc, dict):
        return data
    changed = False
    for f in doc.get("Functions", []) + ([doc] if "FunctionName" in doc else []):
        target = DEAD_LETTER.get(f.get("FunctionName"))
        if target:
            f["DeadLetterConfig"] = {"TargetArn": target}
            changed = True
    if "event-invoke-config" in path:
        configs = doc.get("FunctionEventInvokeConfigs")
        m = LIST_CONFIGS.search(path)
        if configs is not None and m:
            name = urllib.parse.unquote(m.group(1)).split(":")[-1]
            for arn, target in INVOKE_CONFIGS:
                if arn.split(":")[6] == name:
                    dest = {} if target == "-" else {"OnFailure": {"Destination": target}}
                    configs.append({"FunctionArn": arn, "LastModified": 0,
                                    "MaximumRetryAttempts": 2, "DestinationConfig": dest})
        for c in (configs or []) + ([doc] if "LastModified" in doc else []):
            c["LastModified"] = epoch(c.get("LastModified"))
        changed = True
    return json.dumps(doc).encode() if changed else data


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

    def count(self, service, body):
        """One more call of an SQS (JSON) or SNS (query) operation on its queue or topic."""
        if service == "sqs":
            try:
                doc = json.loads(body or b"{}")
            except ValueError:
                doc = {}
            subject = doc.get("QueueName") or doc.get("QueueUrl", "").rsplit("/", 1)[-1]
            key = f"{self.headers.get('X-Amz-Target', '')} {subject}"
        else:
            form = urllib.parse.parse_qs(body.decode(errors="replace"))
            key = f"{form.get('Action', [''])[0]} {form.get('TopicArn', [''])[0]}"
        with LOCK:
            CALLS[key] = CALLS.get(key, 0) + 1

    def handle_any(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        if self.path == "/_proxy/calls":
            with LOCK:
                self.answer(200, json.dumps(CALLS), [("Content-Type", "application/json")])
            return
        m = SCOPE.search(self.headers.get("Authorization", ""))
        region, service = (m.group(1), m.group(2)) if m else ("", "")
        if service in ("sqs", "sns"):
            self.count(service, body)
        if region in HANG:
            time.sleep(3600)
            return
        if service in DENY or self.headers.get("X-Amz-Target", "") in DENY:
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
        if service == "lambda" and status == 200:
            data = rewrite_lambda(self.path, data)
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
