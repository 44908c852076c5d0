#!/usr/bin/python3
"""An LDAPS proxy in front of the lab DC that enforces Active Directory's MaxPageSize.

Samba 4.17 sets no limit on an unpaged search (tests/lab/README.md, "Searches: paged vs unpaged"). A
Windows DC ends an unpaged search with sizeLimitExceeded after MaxPageSize entries (LDAP policy, 1,000
by default) and serves any number of entries through the paged-results control (1.2.840.113556.1.4.319),
at most MaxPageSize per page. This proxy gives the lab that behaviour so ldap/'s Paging::kWhenLimited
can be tested against it: it terminates TLS with the lab's certificate, forwards every LDAP message
to the DC over LDAPS unchanged, and, for a search request without the paged-results control, passes
only the first --max-page-size entries and replaces the search's final result with sizeLimitExceeded.
Paged searches pass untouched.

    ad_limits_proxy.py --cert C --key K --ca CA [--upstream 127.0.0.1:636] [--max-page-size N]
                       [--max-runtime S]

Listens on 127.0.0.1, an ephemeral port, printed as the first line on stdout ("port N"). Loopback only.
Exits after --max-runtime seconds (default 600) or on SIGTERM.
"""

import argparse
import asyncio
import signal
import ssl
import sys

PAGED_RESULTS_OID = b"1.2.840.113556.1.4.319"
SEARCH_REQUEST, SEARCH_ENTRY, SEARCH_DONE = 0x63, 0x64, 0x65
SIZE_LIMIT_EXCEEDED = 4
MAX_MESSAGE = 64 * 1024 * 1024


async def read_message(reader):
    """One BER-encoded LDAPMessage (tag, length, content) as bytes; None at end of stream."""
    head = await reader.read(1)
    if not head:
        return None
    first = await reader.readexactly(1)
    if first[0] < 0x80:
        length, raw_len = first[0], first
    else:
        count = first[0] & 0x7F
        if count == 0 or count > 4:
            raise ValueError("unsupported BER length")
        more = await reader.readexactly(count)
        length, raw_len = int.from_bytes(more, "big"), first + more
    if length > MAX_MESSAGE:
        raise ValueError("message too large")
    return head + raw_len + await reader.readexactly(length)


def parse_header(message):
    """(messageID, protocolOp tag) of an LDAPMessage."""
    pos = 1
    first = message[pos]
    pos += 1 + (first & 0x7F if first >= 0x80 else 0)  # skip the SEQUENCE length
    if message[pos] != 0x02:
        raise ValueError("messageID is not an INTEGER")
    id_len = message[pos + 1]
    message_id = int.from_bytes(message[pos + 2:pos + 2 + id_len], "big", signed=True)
    return message_id, message[pos + 2 + id_len]


def ber_length(n):
    if n < 0x80:
        return bytes([n])
    raw = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes([0x80 | len(raw)]) + raw


def tlv(tag, content):
    return bytes([tag]) + ber_length(len(content)) + content


def size_limit_done(message_id, limit):
    raw_id = message_id.to_bytes(max(1, (message_id.bit_length() + 8) // 8), "big", signed=True)
    diagnostic = f"emulated AD MaxPageSize: {limit} entries without the paged-results control".encode()
    done = tlv(SEARCH_DONE, tlv(0x0A, bytes([SIZE_LIMIT_EXCEEDED])) + tlv(0x04, b"") + tlv(0x04, diagnostic))
    return tlv(0x30, tlv(0x02, raw_id) + done)


class Session:
    def __init__(self, limit):
        self.limit = limit
        self.limited = {}  # messageID of an unpaged search -> entries passed so far

    async def client_to_server(self, reader, writer):
        while (message := await read_message(reader)) is not None:
            message_id, op = parse_header(message)
            if op == SEARCH_REQUEST and PAGED_RESULTS_OID not in message:
                self.limited[message_id] = 0
            writer.write(message)
            await writer.drain()
        writer.close()

    async def server_to_client(self, reader, writer):
        while (message := await read_message(reader)) is not None:
            message_id, op = parse_header(message)
            if message_id in self.limited:
                if op == SEARCH_ENTRY:
                    self.limited[message_id] += 1
                    if self.limited[message_id] > self.limit:
                        continue  # AD would have stopped before this entry
                elif op == SEARCH_DONE:
                    if self.limited.pop(message_id) > self.limit:
                        message = size_limit_done(message_id, self.limit)
            writer.write(message)
            await writer.drain()
        writer.close()


async def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cert", required=True)
    parser.add_argument("--key", required=True)
    parser.add_argument("--ca", required=True)
    parser.add_argument("--upstream", default="127.0.0.1:636")
    parser.add_argument("--max-page-size", type=int, default=1000)
    parser.add_argument("--max-runtime", type=float, default=600)
    args = parser.parse_args()
    up_host, up_port = args.upstream.rsplit(":", 1)
    if up_host not in ("127.0.0.1", "::1", "localhost") and not up_host.startswith("127."):
        sys.exit("ad_limits_proxy: the upstream must be a loopback address")

    server_tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server_tls.load_cert_chain(args.cert, args.key)
    client_tls = ssl.create_default_context(cafile=args.ca)
    client_tls.check_hostname = False  # the DC's certificate names dc1.lab.example; we dial an address

    async def handle(client_reader, client_writer):
        try:
            server_reader, server_writer = await asyncio.wait_for(
                asyncio.open_connection(up_host, int(up_port), ssl=client_tls), 10)
        except (OSError, asyncio.TimeoutError) as e:
            print(f"ad_limits_proxy: upstream {args.upstream}: {e}", file=sys.stderr)
            client_writer.close()
            return
        session = Session(args.max_page_size)
        tasks = [asyncio.ensure_future(session.client_to_server(client_reader, server_writer)),
                 asyncio.ensure_future(session.server_to_client(server_reader, client_writer))]
        done, pending = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
        for t in pending:
            t.cancel()
        for t in done:
            if t.exception() and not isinstance(t.exception(), (ConnectionError, asyncio.IncompleteReadError)):
                print(f"ad_limits_proxy: {t.exception()!r}", file=sys.stderr)
        for w in (server_writer, client_writer):
            w.close()

    server = await asyncio.start_server(handle, "127.0.0.1", 0, ssl=server_tls)
    print(f"port {server.sockets[0].getsockname()[1]}", flush=True)
    stop = asyncio.get_running_loop().create_future()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.cancel)
    try:
        await asyncio.wait_for(stop, args.max_runtime)
    except (asyncio.TimeoutError, asyncio.CancelledError):
        pass
    server.close()


if __name__ == "__main__":
    asyncio.run(main())
