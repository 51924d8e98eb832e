"""Headless Chromium against a sandbox host, with nothing downloaded.

* ``Relay(container, port=8000)``: the sandbox containers have no network
  (netns none) and the LMS listens on the container's loopback. The relay
  listens on 127.0.0.1:<free port> on the controller and, for each
  connection, runs ``podman exec -i CONTAINER python3 -c <pipe>`` whose
  code connects to 127.0.0.1:8000 inside the container, and copies bytes
  both ways.
* ``Chromium()``: Debian's ``chromium`` started headless with a remote
  debugging port, driven over the DevTools protocol through a minimal
  websocket client written here (stdlib only): navigate, evaluate
  JavaScript, take a screenshot.
"""
import base64
import json
import os
import shutil
import socket
import struct
import subprocess
import tempfile
import threading
import time
import urllib.request

# Runs inside the container: pipe stdin/stdout to the service's port.
PIPE_CODE = r"""
import os, socket, sys, threading
s = socket.create_connection(('127.0.0.1', int(sys.argv[1])))
def up():
    fd = sys.stdin.fileno()
    while True:
        data = os.read(fd, 65536)
        if not data:
            break
        s.sendall(data)
    try:
        s.shutdown(socket.SHUT_WR)
    except OSError:
        pass
t = threading.Thread(target=up, daemon=True)
t.start()
out = sys.stdout.fileno()
while True:
    data = s.recv(65536)
    if not data:
        break
    os.write(out, data)
"""


class Relay:
    """127.0.0.1:<port> on the controller -> 127.0.0.1:<target_port> inside a container."""

    def __init__(self, container, target_port=8000, podman_env=None):
        self.container = container
        self.target_port = target_port
        self.env = podman_env
        self.server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.server.bind(("127.0.0.1", 0))
        self.server.listen(32)
        self.port = self.server.getsockname()[1]
        self.closed = False
        self.procs = []
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    @property
    def base_url(self):
        return "http://127.0.0.1:%d" % self.port

    def _accept(self):
        while not self.closed:
            try:
                conn, _ = self.server.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn):
        proc = subprocess.Popen(
            ["podman", "exec", "-i", self.container, "python3", "-c", PIPE_CODE, str(self.target_port)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=self.env)
        self.procs.append(proc)

        def down():
            while True:
                data = proc.stdout.read1(65536)
                if not data:
                    break
                try:
                    conn.sendall(data)
                except OSError:
                    break
            try:
                conn.shutdown(socket.SHUT_WR)
            except OSError:
                pass

        reader = threading.Thread(target=down, daemon=True)
        reader.start()
        try:
            while True:
                data = conn.recv(65536)
                if not data:
                    break
                proc.stdin.write(data)
                proc.stdin.flush()
        except (OSError, ValueError):
            pass
        try:
            proc.stdin.close()
        except OSError:
            pass
        reader.join(timeout=60)
        conn.close()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()

    def close(self):
        self.closed = True
        self.server.close()
        for proc in self.procs:
            if proc.poll() is None:
                proc.kill()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


# ------------------------------------------------------------------ websocket

class WebSocket:
    """Just enough of RFC 6455 for the DevTools protocol (text frames, client masking)."""

    def __init__(self, url, timeout=30):
        assert url.startswith("ws://"), url
        hostport, _, path = url[len("ws://"):].partition("/")
        host, _, port = hostport.partition(":")
        self.sock = socket.create_connection((host, int(port or 80)), timeout=timeout)
        key = base64.b64encode(os.urandom(16)).decode()
        request = ("GET /%s HTTP/1.1\r\nHost: %s\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                   "Sec-WebSocket-Key: %s\r\nSec-WebSocket-Version: 13\r\n\r\n" % (path, hostport, key))
        self.sock.sendall(request.encode())
        response = b""
        while b"\r\n\r\n" not in response:
            chunk = self.sock.recv(4096)
            if not chunk:
                raise ConnectionError("websocket handshake: connection closed")
            response += chunk
        head, _, self.buffer = response.partition(b"\r\n\r\n")
        if b" 101 " not in head.split(b"\r\n")[0]:
            raise ConnectionError("websocket handshake refused: %r" % head[:200])

    def _read(self, n):
        while len(self.buffer) < n:
            chunk = self.sock.recv(max(65536, n - len(self.buffer)))
            if not chunk:
                raise ConnectionError("websocket closed")
            self.buffer += chunk
        data, self.buffer = self.buffer[:n], self.buffer[n:]
        return data

    def send(self, text):
        payload = text.encode()
        header = bytearray([0x81])
        n = len(payload)
        if n < 126:
            header.append(0x80 | n)
        elif n < 65536:
            header.append(0x80 | 126)
            header += struct.pack(">H", n)
        else:
            header.append(0x80 | 127)
            header += struct.pack(">Q", n)
        mask = os.urandom(4)
        masked = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
        self.sock.sendall(bytes(header) + mask + masked)

    def recv(self):
        message = b""
        while True:
            b1, b2 = self._read(2)
            opcode = b1 & 0x0F
            n = b2 & 0x7F
            if n == 126:
                n = struct.unpack(">H", self._read(2))[0]
            elif n == 127:
                n = struct.unpack(">Q", self._read(8))[0]
            mask = self._read(4) if b2 & 0x80 else None
            data = self._read(n)
            if mask:
                data = bytes(b ^ mask[i % 4] for i, b in enumerate(data))
            if opcode == 0x8:
                raise ConnectionError("websocket closed by the browser")
            if opcode == 0x9:  # ping
                continue
            message += data
            if b1 & 0x80:
                return message.decode("utf-8", "replace")

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass


# ------------------------------------------------------------------ chromium

CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync",
                  "--no-proxy-server", "--hide-scrollbars"]


def chromium_binary():
    for name in ("chromium", "chromium-browser"):
        path = shutil.which(name)
        if path:
            return path
    return None


class Chromium:
    """A headless Chromium driven over the DevTools protocol."""

    def __init__(self, width=1200, height=900, timeout=60):
        binary = chromium_binary()
        if binary is None:
            raise RuntimeError("no chromium on PATH: scripts/install-system-packages.sh installs Debian's chromium")
        self.profile = tempfile.mkdtemp(prefix="openedx-chromium-")
        self.proc = subprocess.Popen(
            [binary] + CHROMIUM_FLAGS + ["--user-data-dir=" + self.profile, "--remote-debugging-port=0",
                                         "--window-size=%d,%d" % (width, height), "about:blank"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        port_file = os.path.join(self.profile, "DevToolsActivePort")
        deadline = time.time() + timeout
        while not (os.path.exists(port_file) and open(port_file).read().strip()):
            if self.proc.poll() is not None or time.time() > deadline:
                self.close()
                raise RuntimeError("chromium did not start its DevTools endpoint")
            time.sleep(0.1)
        port = int(open(port_file).read().split()[0])
        pages = json.load(urllib.request.urlopen("http://127.0.0.1:%d/json/list" % port, timeout=10))
        page = [p for p in pages if p.get("type") == "page"][0]
        self.ws = WebSocket(page["webSocketDebuggerUrl"], timeout=timeout)
        self.next_id = 0
        self.events = []
        self.call("Page.enable")
        self.call("Runtime.enable")

    def call(self, method, **params):
        self.next_id += 1
        self.ws.send(json.dumps({"id": self.next_id, "method": method, "params": params}))
        while True:
            message = json.loads(self.ws.recv())
            if message.get("id") == self.next_id:
                if "error" in message:
                    raise RuntimeError("%s: %s" % (method, message["error"]))
                return message.get("result", {})
            self.events.append(message)

    def evaluate(self, expression):
        result = self.call("Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=True)
        if "exceptionDetails" in result:
            raise RuntimeError("JavaScript failed: %s" % result["exceptionDetails"])
        return result["result"].get("value")

    def open(self, url, timeout=60):
        """Navigate and wait until the page and its images are loaded."""
        self.call("Page.navigate", url=url)
        deadline = time.time() + timeout
        while True:
            state = self.evaluate("document.readyState + '|' + location.href")
            if state.startswith("complete|") and state.split("|", 1)[1] != "about:blank":
                break
            if time.time() > deadline:
                raise RuntimeError("%s did not load within %ss (%s)" % (url, timeout, state))
            time.sleep(0.2)
        # images: wait until every <img> is complete (loaded or broken)
        self.evaluate("Promise.all(Array.from(document.images).map(i => i.complete ? 0 : "
                      "new Promise(r => { i.onload = i.onerror = r; })))")

    def screenshot(self, path):
        data = self.call("Page.captureScreenshot", format="png", captureBeyondViewport=True)["data"]
        with open(path, "wb") as handle:
            handle.write(base64.b64decode(data))
        return path

    def close(self):
        try:
            self.ws.close()
        except Exception:  # pylint: disable=broad-except
            pass
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
        shutil.rmtree(self.profile, ignore_errors=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
