#!/usr/bin/env python3
# Per-connection bridge that QEMU's slirp spawns for `guestfwd=...-cmd:python3 fwd.py PORT`: the
# guest's TCP stream arrives on fd 0 (a loopback TCP socket slirp made) and is relayed to host
# 127.0.0.1:PORT. Python rather than node for one socket option: slirp's end of fd 0 runs Nagle,
# so the data of a PDU whose header came first waits for this end's ACK, and Linux delays that
# ACK by ~40 ms; TCP_QUICKACK (re-armed after every read, it does not stick) makes the kernel
# ACK at once. With it, 2000 x 4 KiB O_DIRECT writes from the guest take seconds, not 97 s.
import selectors, socket, sys

guest = socket.socket(fileno=0)
target = socket.create_connection(('127.0.0.1', int(sys.argv[1])))
for s in (guest, target):
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
guest.setsockopt(socket.IPPROTO_TCP, socket.TCP_QUICKACK, 1)
sel = selectors.DefaultSelector()
sel.register(guest, selectors.EVENT_READ, target)
sel.register(target, selectors.EVENT_READ, guest)
open_ends = 2
while open_ends:
    for key, _ in sel.select():
        src, dst = key.fileobj, key.data
        try:
            data = src.recv(262144)
        except OSError:
            data = b''
        if src is guest:
            guest.setsockopt(socket.IPPROTO_TCP, socket.TCP_QUICKACK, 1)
        if not data:
            sel.unregister(src)
            open_ends -= 1
            try:
                dst.shutdown(socket.SHUT_WR)
            except OSError:
                open_ends = 0
            continue
        try:
            dst.sendall(data)
        except OSError:
            open_ends = 0
