"""A throwaway Dovecot IMAP server on loopback, for the bounce mailbox tests.

Each server lives in a folder of its own: its configuration, a password
file with one user, Maildir storage, and a certificate issued by a test
certificate authority (trustme) for ``localhost`` and ``127.0.0.1``. It
listens on two free ports of 127.0.0.1: plain IMAP that offers STARTTLS
(or not, with ``starttls=False``) and IMAP over TLS. ``trusting_context()``
is an SSL context that trusts the test authority, as a client configured
for this server would; the system's default context does not, as a client
meeting a stranger's certificate would not. ``.ci/run`` installs
``dovecot-imapd``; the test fails with a plain message where it is missing.
"""

from __future__ import annotations

import os
import pwd
import shutil
import signal
import socket
import ssl
import subprocess
import tempfile
import time
from pathlib import Path

import trustme
from imapclient import IMAPClient

DOVECOT = shutil.which("dovecot") or "/usr/sbin/dovecot"
USER = "bounces@shop.example.com"
PASSWORD = "s3cret-mailbox"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _owner() -> tuple[int, int, str, str]:
    """The uid/gid mail is stored as, and the users of Dovecot's own processes."""
    if os.geteuid() != 0:
        me = pwd.getpwuid(os.geteuid())
        return me.pw_uid, me.pw_gid, me.pw_name, me.pw_name
    owner = pwd.getpwnam("dovecot")
    return owner.pw_uid, owner.pw_gid, "dovecot", "dovenull"


class DovecotServer:
    def __init__(self, *, starttls: bool = True) -> None:
        if not Path(DOVECOT).exists():
            raise RuntimeError("Dovecot is not installed (apt-get install dovecot-imapd)")
        # Not under pytest's folders: Dovecot's unprivileged processes must
        # reach the mail folder, and those are private to the test's user.
        self.root = Path(tempfile.mkdtemp(prefix="mailapp-dovecot-"))
        os.chmod(self.root, 0o755)
        self.starttls = starttls
        self.host = "127.0.0.1"
        self.port = _free_port()
        self.tls_port = _free_port()
        self.ca = trustme.CA()
        self._config = self.root / "dovecot.conf"
        self._process: subprocess.Popen[bytes] | None = None

    # -- life ------------------------------------------------------------------

    def start(self) -> DovecotServer:
        uid, gid, internal, login = _owner()
        for sub in ("run", "state", "mail"):
            (self.root / sub).mkdir(parents=True, exist_ok=True)
        cert = self.ca.issue_cert("localhost", "127.0.0.1")
        cert.private_key_pem.write_to_path(str(self.root / "key.pem"))
        cert.cert_chain_pems[0].write_to_path(str(self.root / "cert.pem"))
        (self.root / "passwd").write_text(f"{USER}:{{PLAIN}}{PASSWORD}::::::\n")
        os.chown(self.root / "mail", uid, gid)
        self._config.write_text(
            f"""
protocols = imap
listen = {self.host}
base_dir = {self.root}/run
state_dir = {self.root}/state
log_path = {self.root}/dovecot.log
default_internal_user = {internal}
default_login_user = {login}
first_valid_uid = {uid}
last_valid_uid = {uid}
ssl = {"yes" if self.starttls else "no"}
ssl_cert = <{self.root}/cert.pem
ssl_key = <{self.root}/key.pem
disable_plaintext_auth = no
auth_mechanisms = plain login
mail_location = maildir:{self.root}/mail/%u
namespace inbox {{
  inbox = yes
  separator = .
}}
passdb {{
  driver = passwd-file
  args = scheme=PLAIN {self.root}/passwd
}}
userdb {{
  driver = static
  args = uid={uid} gid={gid} home={self.root}/mail/%u
}}
service imap-login {{
  inet_listener imap {{
    address = {self.host}
    port = {self.port}
  }}
  inet_listener imaps {{
    address = {self.host}
    port = {self.tls_port if self.starttls else 0}
    ssl = yes
  }}
}}
service anvil {{
  chroot =
}}
service stats {{
  unix_listener stats-writer {{
    mode = 0666
  }}
}}
"""
        )
        self._process = subprocess.Popen(
            [DOVECOT, "-F", "-c", str(self._config)],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 20
        while True:
            try:
                with socket.create_connection((self.host, self.port), timeout=1):
                    break
            except OSError:
                if time.monotonic() > deadline or self._process.poll() is not None:
                    self.stop()
                    log = (self.root / "dovecot.log").read_text(errors="replace")
                    raise RuntimeError(f"Dovecot did not start:\n{log}") from None
                time.sleep(0.1)
        return self

    def stop(self) -> None:
        process = self._process
        if process is None or process.poll() is not None:
            shutil.rmtree(self.root, ignore_errors=True)
            return
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        shutil.rmtree(self.root, ignore_errors=True)

    # -- for the tests -----------------------------------------------------------

    def trusting_context(self) -> ssl.SSLContext:
        context = ssl.create_default_context()
        self.ca.configure_trust(context)
        return context

    def url(self, *, tls: bool = False, folder: str = "INBOX") -> str:
        scheme, port = ("imaps", self.tls_port) if tls else ("imap", self.port)
        return f"{scheme}://{USER}@{self.host}:{port}/{folder}"

    def client(self) -> IMAPClient:
        client = IMAPClient(self.host, self.port, ssl=False, timeout=10)
        if self.starttls:
            client.starttls(self.trusting_context())
        client.login(USER, PASSWORD)
        return client

    def append(self, *messages: bytes, folder: str = "INBOX") -> None:
        client = self.client()
        try:
            for message in messages:
                client.append(folder, message)
        finally:
            client.logout()

    def contents(self) -> dict[str, list[bytes]]:
        """Every folder with the raw messages it holds."""
        client = self.client()
        try:
            result: dict[str, list[bytes]] = {}
            for _flags, _sep, name in client.list_folders():
                info = client.select_folder(name, readonly=True)
                uids = client.search("ALL") if info.get(b"EXISTS") else []
                fetched = client.fetch(uids, ["BODY.PEEK[]"]) if uids else {}
                result[name] = [fetched[u][b"BODY[]"] for u in sorted(fetched)]
            return result
        finally:
            client.logout()
