#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Write the Linux host's initramfs: a newc cpio archive (the format the
kernel unpacks, Documentation/driver-api/early-userspace/buffer-format.rst)
holding busybox, our init script and the /dev/console node the kernel opens
for init's stdio. Written here rather than by cpio(1), so that a device
node needs no root and the archive is byte-for-byte reproducible (fixed
inode numbers, owner root, mtime 0).

  mkinitramfs.py --busybox BUSYBOX --init INIT [--file NAME=PATH]... -o OUT

--file adds PATH as /NAME (mode 0755): the host driver, its tools and the
guest images (NAME's directory is created when it is not there yet).
"""
import argparse
import stat


def entry(ino, name, mode, data=b"", rdev=(0, 0), nlink=1):
    name_b = name.encode() + b"\0"
    fields = [ino, mode, 0, 0, nlink, 0, len(data), 0, 0, rdev[0], rdev[1], len(name_b), 0]
    hdr = b"070701" + b"".join(b"%08x" % f for f in fields)
    out = hdr + name_b
    out += b"\0" * (-len(out) % 4)
    out += data
    out += b"\0" * (-len(out) % 4)
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--busybox", required=True)
    ap.add_argument("--init", required=True)
    ap.add_argument("--file", action="append", default=[], metavar="NAME=PATH")
    ap.add_argument("-o", "--output", required=True)
    args = ap.parse_args()
    with open(args.busybox, "rb") as f:
        busybox = f.read()
    with open(args.init, "rb") as f:
        init = f.read()
    d, x = stat.S_IFDIR | 0o755, stat.S_IFREG | 0o755
    items = [("dev", d, b"", (0, 0)), ("dev/console", stat.S_IFCHR | 0o600, b"", (5, 1)),
             ("proc", d, b"", (0, 0)), ("sys", d, b"", (0, 0)), ("bin", d, b"", (0, 0)),
             ("bin/busybox", x, busybox, (0, 0)), ("init", x, init, (0, 0))]
    for spec in args.file:
        name, path = spec.split("=", 1)
        parent = name.rpartition("/")[0]
        if parent and all(it[0] != parent for it in items):
            items.append((parent, d, b"", (0, 0)))  # one level: guests/NAME
        with open(path, "rb") as f:
            items.append((name, x, f.read(), (0, 0)))
    blob = b""
    for ino, (name, mode, data, rdev) in enumerate(items, start=1):
        blob += entry(ino, name, mode, data, rdev, 2 if stat.S_ISDIR(mode) else 1)
    blob += entry(0, "TRAILER!!!", 0)
    blob += b"\0" * (-len(blob) % 512)
    with open(args.output, "wb") as f:
        f.write(blob)


if __name__ == "__main__":
    main()
