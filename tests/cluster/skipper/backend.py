#!/usr/bin/env python3
"""The backends behind Skipper in the local Skipper tier (tests/cluster/skipper-up).

One HTTP/1.1 server on 0.0.0.0:PORT answers for every kwok pod IP: inside the
private network namespace 10.244.0.0/16 is routed to `lo`, so a connection to
10.244.1.7:PORT lands here. Every answer is `200` with the address the
connection was made to (the pod IP) as its body, plus an `X-Pod-IP` header, so
a client can tell which pod, and so which stack, served a request.

    backend.py [--port 8080]

Keep-alive, GET/HEAD/anything; request bodies (Content-Length) are read and
discarded. Pure asyncio, no dependency.
"""
import argparse
import asyncio
import signal


async def handle(reader, writer):
    sock = writer.get_extra_info("sockname")
    addr = sock[0] if sock else "unknown"
    body = (addr + "\n").encode()
    try:
        while True:
            head = await reader.readuntil(b"\r\n\r\n")
            length = 0
            close = False
            lines = head.decode("latin-1").split("\r\n")
            version = lines[0].rsplit(" ", 1)[-1] if lines and lines[0] else "HTTP/1.1"
            for line in lines[1:]:
                name, _, value = line.partition(":")
                name = name.strip().lower()
                if name == "content-length":
                    length = int(value.strip() or 0)
                elif name == "connection" and value.strip().lower() == "close":
                    close = True
            if version == "HTTP/1.0":
                close = True
            if length:
                await reader.readexactly(length)
            writer.write(
                b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nX-Pod-IP: "
                + addr.encode()
                + b"\r\nContent-Length: "
                + str(len(body)).encode()
                + (b"\r\nConnection: close" if close else b"")
                + b"\r\n\r\n"
                + body
            )
            await writer.drain()
            if close:
                break
    except (asyncio.IncompleteReadError, ConnectionError, asyncio.LimitOverrunError):
        pass
    finally:
        try:
            writer.close()
        except Exception:
            pass


async def main():
    p = argparse.ArgumentParser()
    p.add_argument("--port", type=int, default=8080)
    p.add_argument("--host", default="0.0.0.0")
    a = p.parse_args()
    server = await asyncio.start_server(handle, a.host, a.port, backlog=1024, reuse_address=True)
    stop = asyncio.get_running_loop().create_future()
    for sig in (signal.SIGTERM, signal.SIGINT):
        asyncio.get_running_loop().add_signal_handler(sig, lambda: stop.done() or stop.set_result(None))
    print(f"backend listening on {a.host}:{a.port}", flush=True)
    async with server:
        await stop


if __name__ == "__main__":
    asyncio.run(main())
