"""A DNS server on loopback that answers TXT queries from a dictionary.

Enough of DNS for checking a published DKIM record without the internet:
UDP on 127.0.0.1, the queries and answers parsed and built by dnspython.
A name it does not know is NXDOMAIN. Point a ``dns.resolver.Resolver`` at
it with :meth:`LocalDnsServer.resolver`.
"""

from __future__ import annotations

import socket
import threading
from types import TracebackType

import dns.flags
import dns.message
import dns.name
import dns.rcode
import dns.rdataclass
import dns.rdatatype
import dns.resolver
import dns.rrset


class LocalDnsServer:
    def __init__(self, records: dict[str, list[str]]) -> None:
        #: name (without the final dot, lower case) → the TXT texts there
        self.records = {name.lower().rstrip("."): texts for name, texts in records.items()}
        self.queries: list[str] = []
        self._sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self._sock.bind(("127.0.0.1", 0))
        self._sock.settimeout(0.2)
        self.port: int = self._sock.getsockname()[1]
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, name="test-dns", daemon=True)

    def __enter__(self) -> LocalDnsServer:
        self._thread.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._stop.set()
        self._thread.join()
        self._sock.close()

    def resolver(self) -> dns.resolver.Resolver:
        resolver = dns.resolver.Resolver(configure=False)
        resolver.nameservers = ["127.0.0.1"]
        resolver.port = self.port
        return resolver

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                data, peer = self._sock.recvfrom(4096)
            except TimeoutError:
                continue
            query = dns.message.from_wire(data)
            reply = dns.message.make_response(query)
            reply.flags |= dns.flags.AA
            question = query.question[0]
            name = question.name.to_text(omit_final_dot=True).lower()
            self.queries.append(name)
            texts = self.records.get(name)
            if texts is None:
                reply.set_rcode(dns.rcode.NXDOMAIN)
            elif question.rdtype == dns.rdatatype.TXT:
                # Long values as DNS tools publish them: strings of 255 bytes.
                quoted = [
                    " ".join(f'"{t[i : i + 255]}"' for i in range(0, len(t), 255)) for t in texts
                ]
                reply.answer.append(
                    dns.rrset.from_text_list(question.name, 300, "IN", "TXT", quoted)
                )
            self._sock.sendto(reply.to_wire(), peer)
