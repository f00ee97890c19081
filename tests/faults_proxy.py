"""The phones' network in tests/test_faults.py: a tiny HTTP relay between the phones and
gunicorn. It passes every request and answer through unchanged, except that when told to
it drops the answer to the next pushes the server answered 200 — the visits are stored,
the phone never hears so (one bar of signal on the stairs). The phone must then send the
same batch again and be told `duplicate`. It also makes a killed gunicorn worker look, to
the phone, as it does through any proxy: the connection closes with no answer."""

import contextlib
import json
import socket
import threading

PUSH = b"POST /api/v1/sync/push "


class LossyRelay(threading.Thread):
    def __init__(self, port: int, upstream: int):
        super().__init__(name="lossy-relay", daemon=True)
        self.upstream = upstream
        self.server = socket.create_server(("127.0.0.1", port), backlog=64)
        self.port = port
        self.lock = threading.Lock()
        self.drop_pushes = 0
        self.dropped: list[list[str]] = []  # client UUIDs of each push whose answer was dropped
        self.closing = threading.Event()

    def run(self):
        while not self.closing.is_set():
            try:
                client, _ = self.server.accept()
            except OSError:
                return
            threading.Thread(target=self._relay, args=(client,), daemon=True).start()

    def drop_next(self, count: int):
        with self.lock:
            self.drop_pushes += count

    def _relay(self, client: socket.socket):
        with client, contextlib.suppress(OSError):
            client.settimeout(30)
            request = _read_request(client)
            if request is None:
                return
            with socket.create_connection(("127.0.0.1", self.upstream), timeout=30) as upstream:
                upstream.sendall(request)
                answer = _read_to_end(upstream)
            if not answer:  # the worker died: no answer, as through any proxy
                return
            if request.startswith(PUSH) and answer.startswith(b"HTTP/1.1 200") and self._take_drop():
                body = request.partition(b"\r\n\r\n")[2]
                with self.lock:
                    self.dropped.append([v["client_uuid"] for v in json.loads(body)["visits"]])
                return  # the server stored it; the phone hears nothing
            client.sendall(answer)

    def _take_drop(self) -> bool:
        with self.lock:
            if self.drop_pushes > 0:
                self.drop_pushes -= 1
                return True
            return False

    def close(self):
        self.closing.set()
        with contextlib.suppress(OSError):
            self.server.close()


def _read_request(sock: socket.socket) -> bytes | None:
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        if not chunk:
            return None
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value.strip())
    while len(body) < length:
        chunk = sock.recv(65536)
        if not chunk:
            return None
        body += chunk
    # Every answer ends the connection (gunicorn's sync workers close it anyway).
    head = b"\r\n".join(line for line in head.split(b"\r\n") if not line.lower().startswith(b"connection:"))
    return head + b"\r\nConnection: close\r\n\r\n" + body


def _read_to_end(sock: socket.socket) -> bytes:
    chunks = []
    with contextlib.suppress(OSError):  # a reset by a killed worker: what came, if anything
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)
