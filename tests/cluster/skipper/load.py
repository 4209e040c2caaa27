#!/usr/bin/env python3
"""HTTP load for the Skipper tier: counts which pod answered each request.

Run it inside the Skipper tier's network namespace (the pod IPs only exist
there):

    load.py count --url http://127.0.0.1:9090 --host my-app.example.org -n 2000 [-c 8]
    load.py run   --url http://127.0.0.1:9090 --host my-app.example.org [--rate 100] [-c 2]

`count` sends N requests over C keep-alive connections and exits; `run` keeps
sending (about RATE requests per second in total) until its stdin is closed
or it gets SIGTERM/SIGINT. Both print one JSON object on stdout:

    {"requests": N, "ok": N, "by_pod": {"10.244.0.3": 612, ...},
     "statuses": {"200": N}, "non2xx": 0, "conn_errors": 0,
     "failures": [[unix_time, "what"], ...], "started": unix_time, "seconds": 1.9}

`by_pod` counts 2xx answers by the backend address in the body (the pod IP
the backend was reached on, see backend.py). A failure is a non-2xx answer or
a connection error (refused, reset, closed before a complete answer);
`failures` keeps the first 50.
"""
import argparse
import asyncio
import json
import signal
import sys
import threading
import time
import urllib.parse


class Stats:
    def __init__(self):
        self.requests = 0
        self.ok = 0
        self.by_pod = {}
        self.statuses = {}
        self.non2xx = 0
        self.conn_errors = 0
        self.failures = []
        self.started = round(time.time(), 3)

    def fail(self, what):
        if len(self.failures) < 50:
            self.failures.append([round(time.time(), 3), what])

    def as_json(self, seconds):
        return {
            "requests": self.requests,
            "ok": self.ok,
            "by_pod": self.by_pod,
            "statuses": self.statuses,
            "non2xx": self.non2xx,
            "conn_errors": self.conn_errors,
            "failures": self.failures,
            "started": self.started,
            "seconds": round(seconds, 3),
        }


async def read_response(reader):
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ", 2)[1])
    length = None
    chunked = False
    close = False
    for line in lines[1:]:
        name, _, value = line.partition(":")
        name = name.strip().lower()
        value = value.strip()
        if name == "content-length":
            length = int(value)
        elif name == "transfer-encoding" and "chunked" in value.lower():
            chunked = True
        elif name == "connection" and value.lower() == "close":
            close = True
    if chunked:
        body = b""
        while True:
            size = int((await reader.readuntil(b"\r\n")).split(b";")[0].strip(), 16)
            if size == 0:
                await reader.readuntil(b"\r\n")
                break
            body += await reader.readexactly(size)
            await reader.readexactly(2)
    elif length is not None:
        body = await reader.readexactly(length)
    else:
        body = await reader.read()
        close = True
    return status, body, close


class Client:
    def __init__(self, host, port, vhost, stats):
        self.host, self.port, self.vhost, self.stats = host, port, vhost, stats
        self.conn = None
        self.request = f"GET / HTTP/1.1\r\nHost: {vhost}\r\nUser-Agent: stackset-load\r\n\r\n".encode()

    async def one(self):
        s = self.stats
        s.requests += 1
        try:
            if self.conn is None:
                self.conn = await asyncio.wait_for(
                    asyncio.open_connection(self.host, self.port), 5
                )
            reader, writer = self.conn
            writer.write(self.request)
            await writer.drain()
            status, body, close = await asyncio.wait_for(read_response(reader), 10)
        except Exception as e:  # refused, reset, timeout, short answer
            s.conn_errors += 1
            s.fail(f"connection error: {type(e).__name__}: {e}")
            self.close()
            return
        s.statuses[str(status)] = s.statuses.get(str(status), 0) + 1
        if 200 <= status < 300:
            s.ok += 1
            pod = body.decode("latin-1").strip()
            s.by_pod[pod] = s.by_pod.get(pod, 0) + 1
        else:
            s.non2xx += 1
            s.fail(f"HTTP {status}: {body[:120].decode('latin-1').strip()}")
        if close:
            self.close()

    def close(self):
        if self.conn is not None:
            try:
                self.conn[1].close()
            except Exception:
                pass
            self.conn = None


async def count(a, host, port):
    stats = Stats()
    left = [a.n]

    async def worker():
        c = Client(host, port, a.host, stats)
        while left[0] > 0:
            left[0] -= 1
            await c.one()
        c.close()

    t0 = time.monotonic()
    await asyncio.gather(*(worker() for _ in range(a.c)))
    return stats.as_json(time.monotonic() - t0)


async def run(a, host, port):
    stats = Stats()
    loop = asyncio.get_running_loop()
    stop = loop.create_future()

    def finish():
        if not stop.done():
            stop.set_result(None)

    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, finish)

    def watch_stdin():
        try:
            while sys.stdin.buffer.read(4096):
                pass
        except Exception:
            pass
        loop.call_soon_threadsafe(finish)

    threading.Thread(target=watch_stdin, daemon=True).start()
    gap = a.c / a.rate

    async def worker(i):
        c = Client(host, port, a.host, stats)
        await asyncio.sleep(gap * i / a.c)
        nxt = time.monotonic()
        while not stop.done():
            await c.one()
            nxt += gap
            delay = nxt - time.monotonic()
            if delay > 0:
                await asyncio.wait([stop], timeout=delay)
            else:
                nxt = time.monotonic()
        c.close()

    t0 = time.monotonic()
    await asyncio.gather(*(worker(i) for i in range(a.c)))
    return stats.as_json(time.monotonic() - t0)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("mode", choices=["count", "run"])
    p.add_argument("--url", required=True, help="Skipper's address, http://127.0.0.1:PORT")
    p.add_argument("--host", required=True, help="the Host header (the StackSet's public host)")
    p.add_argument("-n", type=int, default=2000, help="count: number of requests")
    p.add_argument("-c", type=int, default=None, help="concurrent connections")
    p.add_argument("--rate", type=float, default=100.0, help="run: requests per second in total")
    a = p.parse_args()
    u = urllib.parse.urlsplit(a.url)
    host, port = u.hostname, u.port or 80
    if a.c is None:
        a.c = 8 if a.mode == "count" else 2
    result = asyncio.run(count(a, host, port) if a.mode == "count" else run(a, host, port))
    json.dump(result, sys.stdout)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
