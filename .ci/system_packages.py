#!/usr/bin/env python3
"""Check (and on Debian as root, install) the system packages in .ci/system-packages.txt.

    python3 .ci/system_packages.py run|test

``run`` checks what serving the app needs, ``test`` that and what the suite needs. A missing
package is installed when the machine is Debian/Ubuntu and we are root (as in CI); otherwise the
command stops with the exact install command to run.
Standard library only: it runs before the virtual environment exists.
"""

from __future__ import annotations

import ctypes.util
import importlib.util
import os
import platform
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

LIST = Path(__file__).with_name("system-packages.txt")
FONT_DIRS = ("/usr/share/fonts", "/usr/local/share/fonts", "/Library/Fonts", "/System/Library/Fonts",
             "~/.local/share/fonts", "~/Library/Fonts")


@dataclass(frozen=True)
class Package:
    debian: str
    brew: str
    target: str
    probe: str


def packages(target: str) -> list[Package]:
    wanted = {"run": {"run"}, "test": {"run", "test"}}[target]
    rows = []
    for line in LIST.read_text().splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            rows.append(Package(*line.split()))
    return [p for p in rows if p.target in wanted]


def present(package: Package) -> bool:
    kind, _, name = package.probe.partition(":")
    if kind == "cmd":
        if name == "chromium" and os.environ.get("WINGRANT_CHROMIUM"):  # the browser tests' own setting
            return Path(os.environ["WINGRANT_CHROMIUM"]).exists()
        return shutil.which(name) is not None
    if kind == "lib":
        return ctypes.util.find_library(name) is not None
    if kind == "font":
        return any(next(Path(d).expanduser().rglob(name), None) for d in FONT_DIRS if Path(d).expanduser().is_dir())
    if kind == "module":
        return importlib.util.find_spec(name) is not None
    raise SystemExit(f"{LIST}: unknown probe {package.probe!r}")


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in ("run", "test"):
        print("usage: python3 .ci/system_packages.py run|test", file=sys.stderr)
        return 2
    macos = platform.system() == "Darwin"
    wanted = [p for p in packages(argv[0]) if not (macos and p.brew == "-")]
    missing = [p for p in wanted if not present(p)]
    if not missing:
        return 0
    debian = shutil.which("apt-get") is not None and shutil.which("dpkg") is not None
    names = [p.debian for p in missing] if debian else sorted({p.brew for p in missing})
    if debian and os.geteuid() == 0:
        print(f"installing system packages: {' '.join(names)}", flush=True)
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        subprocess.run(["apt-get", "update", "-qq"], check=True, env=env)
        subprocess.run(["apt-get", "install", "-y", "-qq", "--no-install-recommends", *names], check=True, env=env)
        still = [p.debian for p in missing if not present(p)]
        if still:
            print(f"installed, but still not found: {' '.join(still)}", file=sys.stderr)
            return 1
        return 0
    if debian:
        command = f"sudo apt-get install --no-install-recommends {' '.join(names)}"
    elif macos:
        command = f"brew install {' '.join(names)}"
    else:
        command = f"(your package manager) {' '.join(p.debian for p in missing)}  # names as in Debian"
    print(f"wingrant needs these system packages for `make {argv[0]}`, and they are missing:\n"
          f"    {' '.join(p.debian for p in missing)}\nInstall them with:\n    {command}", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
