#!/usr/bin/env python3
"""Pack a zgpu binary into a platform-tagged Python wheel.

The wheel holds the binary as a script (zgpu-VERSION.data/scripts/zgpu), which
pip and uv install into the environment's bin folder, and a small `zgpu`
package so that `python -m zgpu` runs it too. It is the layout ruff and uv
ship their Go/Rust binaries in: no build step, no dependencies, one wheel per
platform, tagged py3-none-PLATFORM.

    release/pack_wheel.py --binary dist/zgpu_linux_amd64_v1/zgpu \\
        --version 1.2.3 --goos linux --goarch amd64 --out dist/wheels

Standard library only (CI installs nothing). Prints the wheel's path.
"""

import argparse
import base64
import hashlib
import os
import re
import sys
import zipfile

# The platform tags of each Go target. A CGO_ENABLED=0 binary is static, so
# the Linux wheels carry both manylinux (glibc) and musllinux tags.
PLATFORMS = {
    ("linux", "amd64"): "manylinux_2_17_x86_64.manylinux2014_x86_64.musllinux_1_1_x86_64",
    ("linux", "arm64"): "manylinux_2_17_aarch64.manylinux2014_aarch64.musllinux_1_1_aarch64",
    ("darwin", "amd64"): "macosx_10_12_x86_64",
    ("darwin", "arm64"): "macosx_11_0_arm64",
    ("windows", "amd64"): "win_amd64",
    ("windows", "arm64"): "win_arm64",
}

# PEP 440 public versions with an optional local label, as goreleaser's
# .Version gives them for a tag (1.2.3, 1.2.3-rc.1 is normalized below).
PEP440 = re.compile(r"^\d+(\.\d+)*((a|b|rc)\d+)?(\.post\d+)?(\.dev\d+)?(\+[a-z0-9]+(\.[a-z0-9]+)*)?$")

INIT = '''"""zgpu: ZeroGPU-safe requirements.txt for Hugging Face Spaces (a Go binary)."""

import os
import sys
import sysconfig


def find_zgpu_bin():
    """Return the path of the zgpu binary installed with this package."""
    exe = "zgpu" + (sysconfig.get_config_var("EXE") or "")
    if sys.platform == "win32" and not exe.endswith(".exe"):
        exe += ".exe"
    candidates = [os.path.join(sysconfig.get_path("scripts"), exe)]
    user = sysconfig.get_path("scripts", "nt_user" if os.name == "nt" else "posix_user")
    candidates.append(os.path.join(user, exe))
    candidates.append(os.path.join(os.path.dirname(sys.executable), exe))
    for path in candidates:
        if os.path.isfile(path):
            return path
    raise FileNotFoundError(exe)
'''

MAIN = '''import os
import subprocess
import sys

from zgpu import find_zgpu_bin


def main():
    exe = find_zgpu_bin()
    if sys.platform == "win32":
        sys.exit(subprocess.call([exe, *sys.argv[1:]]))
    os.execvp(exe, [exe, *sys.argv[1:]])


if __name__ == "__main__":
    main()
'''


def wheel_version(v):
    """Return a PEP 440 version for goreleaser's version string."""
    v = v.strip().lstrip("v")
    m = re.match(r"^(\d+\.\d+\.\d+)-(alpha|beta|rc)\.?(\d+)$", v)
    if m:
        v = m.group(1) + {"alpha": "a", "beta": "b", "rc": "rc"}[m.group(2)] + m.group(3)
    if PEP440.match(v):
        return v
    # A snapshot ("1.2.4-SNAPSHOT-abc1234", "devel"): a dev release with the
    # rest as a local label.
    local = re.sub(r"[^a-z0-9]+", ".", v.lower()).strip(".") or "unknown"
    return "0.0.0.dev0+" + local


def record_line(name, data):
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return "%s,sha256=%s,%d" % (name, digest, len(data))


def pack(binary, version, goos, goarch, out):
    plat = PLATFORMS.get((goos, goarch))
    if plat is None:
        raise SystemExit("pack_wheel: no wheel platform for %s/%s" % (goos, goarch))
    ver = wheel_version(version)
    with open(binary, "rb") as f:
        exe = f.read()
    dist = "zgpu-%s" % ver
    info = dist + ".dist-info"
    script = "zgpu.exe" if goos == "windows" else "zgpu"
    metadata = (
        "Metadata-Version: 2.1\n"
        "Name: zgpu\n"
        "Version: %s\n"
        "Summary: Turn a Hugging Face Space's dependencies into a requirements.txt that builds and runs on ZeroGPU\n"
        "Requires-Python: >=3.8\n"
        "Project-URL: Source, https://github.com/zgpu/zgpu\n"
        "Description-Content-Type: text/markdown\n"
        "\n"
        "zgpu is a single static binary; this wheel installs it as `zgpu` on PATH.\n"
        "Run `zgpu deps resolve -o requirements.txt` in a Space folder.\n" % ver
    )
    wheel = (
        "Wheel-Version: 1.0\n"
        "Generator: zgpu release/pack_wheel.py\n"
        "Root-Is-Purelib: false\n"
        "Tag: py3-none-%s\n" % plat
    )
    files = [
        ("zgpu/__init__.py", INIT.encode(), 0o644),
        ("zgpu/__main__.py", MAIN.encode(), 0o644),
        ("%s.data/scripts/%s" % (dist, script), exe, 0o755),
        (info + "/METADATA", metadata.encode(), 0o644),
        (info + "/WHEEL", wheel.encode(), 0o644),
    ]
    record = [record_line(n, d) for n, d, _ in files] + [info + "/RECORD,,"]
    files.append((info + "/RECORD", ("\n".join(record) + "\n").encode(), 0o644))

    os.makedirs(out, exist_ok=True)
    path = os.path.join(out, "%s-py3-none-%s.whl" % (dist, plat))
    tmp = path + ".tmp"
    with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data, mode in files:
            zi = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            zi.external_attr = (0o100000 | mode) << 16
            zi.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(zi, data)
    os.replace(tmp, path)
    return path


def main(argv):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--binary", required=True, help="the zgpu binary built for GOOS/GOARCH")
    p.add_argument("--version", required=True, help="the release version (goreleaser's .Version)")
    p.add_argument("--goos", required=True, choices=sorted({o for o, _ in PLATFORMS}))
    p.add_argument("--goarch", required=True, choices=sorted({a for _, a in PLATFORMS}))
    p.add_argument("--out", required=True, help="folder to write the wheel into")
    a = p.parse_args(argv)
    print(pack(a.binary, a.version, a.goos, a.goarch, a.out))


if __name__ == "__main__":
    main(sys.argv[1:])
