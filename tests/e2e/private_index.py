"""The private index of the e2e tests: image, data folder and the values builds need."""

from __future__ import annotations

import secrets
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import requests

from seldon_platform.engine import Engine

from .builds import EXAMPLES

FIXTURES = Path(__file__).parent / "fixtures"
CONTAINERFILE = FIXTURES / "pypiserver" / "Containerfile"
COMPOSE_FILE = FIXTURES / "docker-compose.yml"
PACKAGE = "sbp-example-privatescaler"


@dataclass(frozen=True)
class PrivateIndex:
    host: str  # 127.0.0.1:PORT
    user: str
    password: str

    @property
    def url(self) -> str:
        return f"http://{self.user}:{self.password}@{self.host}/simple/"

    def values(self) -> dict[str, str]:
        """Placeholder values for the seed's private-index command line."""
        return {"pypi-user": self.user, "pypi-auth": self.password, "index-host": self.host,
                "index-url": self.url}


def new_credentials() -> tuple[str, str]:
    # letters and digits only, so the secret looks the same in URLs and headers
    return "e2e-user", "pw" + secrets.token_hex(16)


def build_image(engine: Engine, tag: str, base: str) -> None:
    engine.run("build", *engine.network_args(), "--pull=never", "--build-arg", f"BASE={base}",
               "-f", str(CONTAINERFILE), "-t", tag, str(CONTAINERFILE.parent), capture=True)


def fill_data(data: Path, user: str, password: str) -> Path:
    """htpasswd plus the example's private package, readable by the server's uid 1000."""
    from passlib.apache import HtpasswdFile

    packages = data / "packages"
    packages.mkdir(parents=True, exist_ok=True)
    subprocess.run([sys.executable, str(EXAMPLES / "make_wheel.py"),
                    str(EXAMPLES / "private-index" / "index-src"), str(packages)], check=True,
                   capture_output=True)
    htpasswd = HtpasswdFile(str(data / "htpasswd"), new=True)
    htpasswd.set_password(user, password)
    htpasswd.save()
    for path in [data, *data.rglob("*")]:
        path.chmod(0o755 if path.is_dir() else 0o644)
    return data


def answers(index: PrivateIndex) -> bool:
    """True once the index lists the package for the right password and refuses without."""
    page = f"http://{index.host}/simple/{PACKAGE}/"
    try:
        anonymous = requests.get(page, timeout=2)
        authorised = requests.get(page, timeout=2, auth=(index.user, index.password))
    except requests.RequestException:
        return False
    return anonymous.status_code == 401 and authorised.ok and ".whl" in authorised.text
