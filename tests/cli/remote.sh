#!/usr/bin/env bash
# End-to-end checks of `warden remote` against a mock OpenAI-compatible
# server (Python's standard library, on an ephemeral 127.0.0.1 port):
# completion, streamed chat, the HTTP error message, and the refusal of
# logits-level features. $1 is the warden binary.
set -uo pipefail
W="$1"
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3
tmp=$(mktemp -d)
fails=0
cat >"$tmp/server.py" <<'PYEOF'
import http.server, json, sys
class H(http.server.BaseHTTPRequestHandler):
    def log_message(self, *a): pass
    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        if body.get("max_tokens") == 0:
            self.send_response(400); self.send_header("Content-Type", "application/json"); self.end_headers()
            self.wfile.write(b'{"error":{"message":"max_tokens must be at least 1"}}'); return
        if self.path == "/v1/completions":
            out = json.dumps({"choices": [{"text": " continued " + body["prompt"], "finish_reason": "stop"}]})
            self.send_response(200); self.send_header("Content-Type", "application/json"); self.end_headers()
            self.wfile.write(out.encode()); return
        if self.path == "/v1/chat/completions" and body.get("stream"):
            self.send_response(200); self.send_header("Content-Type", "text/event-stream"); self.end_headers()
            for piece in ["Hel", "lo, ", body["messages"][-1]["content"]]:
                self.wfile.write(("data: " + json.dumps({"choices": [{"delta": {"content": piece}}]}) + "\n\n").encode())
                self.wfile.flush()
            self.wfile.write(b"data: [DONE]\n\n"); return
        self.send_response(404); self.end_headers()
s = http.server.HTTPServer(("127.0.0.1", 0), H)
print(s.server_address[1], flush=True)
s.serve_forever()
PYEOF
"$PY" "$tmp/server.py" >"$tmp/port" &
server=$!
trap 'kill $server 2>/dev/null; rm -rf "$tmp"' EXIT
for _ in $(seq 50); do [ -s "$tmp/port" ] && break; sleep 0.1; done
url="http://127.0.0.1:$(cat "$tmp/port")"

out=$("$W" remote complete --url "$url" --model m "abc" 2>&1)
[ "$out" = " continued abc" ] || { echo "FAIL: complete printed: $out"; fails=$((fails + 1)); }
out=$("$W" remote chat --url "$url" --model m --stream "world" 2>&1)
[ "$out" = "Hello, world" ] || { echo "FAIL: chat --stream printed: $out"; fails=$((fails + 1)); }
err=$("$W" remote complete --url "$url" --model m --max-tokens 0 "x" 2>&1 >/dev/null)
echo "$err" | grep -q "HTTP 400: max_tokens must be at least 1" ||
  { echo "FAIL: 400 message: $err"; fails=$((fails + 1)); }
err=$("$W" remote complete --url "$url" --model m --watermark "x" 2>&1 >/dev/null)
echo "$err" | grep -q "needs the model's logits" ||
  { echo "FAIL: --watermark not refused: $err"; fails=$((fails + 1)); }
err=$("$W" remote complete --url "not-a-url" --model m "x" 2>&1 >/dev/null)
echo "$err" | grep -q "has no scheme" || { echo "FAIL: bad URL: $err"; fails=$((fails + 1)); }

[ "$fails" -eq 0 ] && echo "remote CLI: all passed"
exit "$fails"
