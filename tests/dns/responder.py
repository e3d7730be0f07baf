#!/usr/bin/python3
"""Scriptable DNS responder for tests: what NSD cannot do.

Serves, on 127.0.0.1 (or ::1) over UDP and TCP on one port:
  * zone data in the RFC 7208 test suite's syntax, either from a script file (--script) or
    one scenario of the suite itself (--rfc7208 FILE --scenario N|DESCRIPTION);
  * faults per name: never answer, SERVFAIL, REFUSED, a TC=1 UDP answer, garbage, noise,
    slow answers;
and counts every query per (name, type, transport), readable over a control socket.

Prints "READY <port> <control-port>" on stdout once both sockets listen, then detaches
stdout. Python 3 standard library, plus PyYAML for YAML input. See tests/dns/README.md.
"""

import argparse
import ipaddress
import os
import socket
import socketserver
import struct
import sys
import threading
import time

TYPES = {"A": 1, "NS": 2, "CNAME": 5, "SOA": 6, "PTR": 12, "MX": 15, "TXT": 16,
         "AAAA": 28, "SPF": 99, "ANY": 255}
TYPE_NAMES = {number: name for name, number in TYPES.items()}
NOERROR, FORMERR, SERVFAIL, NXDOMAIN, REFUSED = 0, 1, 2, 3, 5
MAX_CNAME_CHAIN = 16
FAULTS = ("drop", "servfail", "refused", "truncate", "garbage", "noise", "delay")


def log(message):
    print("responder: " + message, file=sys.stderr, flush=True)


def normalise(name):
    return str(name).rstrip(".").lower()


# --- wire encoding -------------------------------------------------------------------

def encode_name(name):
    out = bytearray()
    for label in [part for part in name.rstrip(".").split(".") if part]:
        raw = label.encode("utf-8")
        if len(raw) > 63:
            raise ValueError("label over 63 octets: " + label)
        out += bytes([len(raw)]) + raw
    return bytes(out + b"\0")


def encode_strings(value):
    """TXT/SPF rdata: one string or a list of strings; long strings split at 255."""
    parts = value if isinstance(value, list) else [value]
    out = bytearray()
    for part in parts:
        raw = str(part).encode("utf-8")
        if not raw:
            continue  # an empty list gives empty rdata, as the suite's null-text case wants
        for i in range(0, len(raw), 255):
            chunk = raw[i:i + 255]
            out += bytes([len(chunk)]) + chunk
    return bytes(out)


def encode_rdata(rtype, value):
    if rtype == "A":
        return ipaddress.IPv4Address(str(value)).packed
    if rtype == "AAAA":
        return ipaddress.IPv6Address(str(value)).packed
    if rtype in ("CNAME", "PTR", "NS"):
        return encode_name(str(value))
    if rtype == "MX":
        preference, exchange = value
        return struct.pack("!H", int(preference)) + encode_name(str(exchange))
    if rtype in ("TXT", "SPF"):
        return encode_strings(value)
    raise ValueError("unsupported record type " + rtype)


def encode_rr(owner, rtype, ttl, rdata):
    return encode_name(owner) + struct.pack("!HHIH", TYPES[rtype], 1, ttl, len(rdata)) + rdata


def soa_rr(owner, minimum):
    rdata = (encode_name("ns." + owner) + encode_name("hostmaster." + owner)
             + struct.pack("!IIIII", 1, 3600, 600, 86400, minimum))
    return encode_rr(owner, "SOA", minimum, rdata)


# --- zone data -------------------------------------------------------------------------

class Zone:
    """Name -> ordered entries, read the way the suite's own driver (pyspf's testspf.py)
    reads them: "TIMEOUT" makes a query time out unless a record of the asked type came
    before it; SPF records are copied to TXT unless the name has a TXT entry (or TXT: NONE);
    NONE values are placeholders only. Names not present are NXDOMAIN, names above present
    names (empty non-terminals) NODATA."""

    def __init__(self, zonedata):
        self.entries = {}
        for name, items in (zonedata or {}).items():
            self.entries[normalise(name)] = self._expand(normalise(name), items or [])
        self.ancestors = set()
        for name in self.entries:
            labels = name.split(".")
            for i in range(1, len(labels)):
                self.ancestors.add(".".join(labels[i:]))

    @staticmethod
    def _expand(name, items):
        out, generated, has_txt = [], [], False
        for item in items:
            if item == "TIMEOUT":
                out.append("TIMEOUT")
                continue
            if not isinstance(item, dict):
                log("ignoring entry %r of %s" % (item, name))
                continue
            for rtype, value in item.items():
                rtype = str(rtype).upper()
                if rtype == "TXT":
                    has_txt = True
                if value == "NONE":
                    continue
                try:
                    rdata = encode_rdata(rtype, value)
                except (ValueError, TypeError) as error:
                    log("ignoring %s %s %r: %s" % (name, rtype, value, error))
                    continue
                out.append((rtype, rdata))
                if rtype == "SPF":
                    generated.append(("TXT", rdata))
        if not has_txt:
            out.extend(generated)
        return out

    def lookup(self, name, rtype):
        """Returns ("drop", None) or (rcode, [(owner, type, rdata)])."""
        answers, seen = [], set()
        while True:
            if name not in self.entries:  # also the end of a chain: the target's status decides
                return (NOERROR if name in self.ancestors else NXDOMAIN), answers
            found, cname = False, None
            for entry in self.entries[name]:
                if entry == "TIMEOUT":
                    if not found:
                        return "drop", None
                    break
                etype, rdata = entry
                if etype == rtype or rtype == "ANY":
                    found = True
                    answers.append((name, etype, rdata))
                elif etype == "CNAME" and cname is None:
                    cname = rdata
            if found or cname is None:
                return NOERROR, answers
            seen.add(name)
            answers.append((name, "CNAME", cname))
            name = decode_name(cname, 0)[0]
            if name in seen or len(seen) > MAX_CNAME_CHAIN:
                return SERVFAIL, []  # what a recursive resolver says about a CNAME loop


def decode_name(message, offset):
    """Name at offset (queries are not compressed; pointers are followed backwards)."""
    labels, jumps, end = [], 0, None
    while True:
        length = message[offset]
        if length & 0xC0 == 0xC0:
            target = ((length & 0x3F) << 8) | message[offset + 1]
            if end is None:
                end = offset + 2
            if target >= offset or jumps > 64:
                raise ValueError("bad pointer")
            offset, jumps = target, jumps + 1
            continue
        if length == 0:
            return ".".join(labels).lower(), (end if end is not None else offset + 1)
        labels.append(message[offset + 1:offset + 1 + length].decode("utf-8", "replace"))
        offset += 1 + length


# --- the server --------------------------------------------------------------------------

class Config:
    def __init__(self, zone, faults, ttl, soa_minimum):
        self.zone, self.faults, self.ttl, self.soa_minimum = zone, faults, ttl, soa_minimum

    def fault_for(self, name):
        if name in self.faults:
            return self.faults[name]
        labels = name.split(".")
        for i in range(1, len(labels) + 1):
            wildcard = "*." + ".".join(labels[i:]) if i < len(labels) else "*"
            if wildcard in self.faults:
                return self.faults[wildcard]
        return None


class Counter:
    def __init__(self):
        self.lock, self.counts = threading.Lock(), {}

    def add(self, name, rtype, transport):
        with self.lock:
            key = (name, rtype, transport)
            self.counts[key] = self.counts.get(key, 0) + 1

    def get(self, name, rtype, transport):
        with self.lock:
            return sum(n for (qname, qtype, qtransport), n in self.counts.items()
                       if (name == "*" or qname == name) and rtype in ("*", qtype)
                       and transport in ("*", qtransport))

    def reset(self):
        with self.lock:
            self.counts.clear()


class Responder:
    def __init__(self, config):
        self.config, self.counter = config, Counter()

    def parse_query(self, query):
        if len(query) < 12:
            return None
        qid, flags, qdcount = struct.unpack("!HHH", query[:6])
        if qdcount < 1 or flags & 0x8000:
            return None
        name, end = decode_name(query, 12)
        qtype, _ = struct.unpack("!HH", query[end:end + 4])
        payload = 512
        arcount = struct.unpack("!H", query[10:12])[0]
        rest = end + 4
        if arcount and len(query) >= rest + 11 and query[rest] == 0:
            rrtype, rrclass = struct.unpack("!HH", query[rest + 1:rest + 5])
            if rrtype == 41:
                payload = max(512, rrclass)
        return qid, flags, name, qtype, query[12:end + 4], payload

    def header(self, qid, flags, rcode, qd, an, ns, tc=False):
        out_flags = 0x8000 | (flags & 0x7900) | 0x0400 | 0x0080 | rcode  # QR, opcode+RD, AA, RA
        if tc:
            out_flags |= 0x0200
        return struct.pack("!HHHHHH", qid, out_flags, qd, an, ns, 0)

    def answer(self, query, transport):
        """Returns (delay_seconds, reply bytes or None)."""
        try:
            parsed = self.parse_query(query)
        except (ValueError, IndexError, struct.error):
            parsed = None
        if parsed is None:
            return 0, None
        qid, flags, name, qtype, question, payload = parsed
        type_name = TYPE_NAMES.get(qtype, str(qtype))
        self.counter.add(name, type_name, transport)
        fault = self.config.fault_for(name)
        action = fault.get("action") if fault else None
        delay = (fault.get("delay_ms", 0) / 1000.0) if fault else 0
        if action == "drop":
            return 0, None
        if action in ("servfail", "refused"):
            rcode = SERVFAIL if action == "servfail" else REFUSED
            return delay, self.header(qid, flags, rcode, 1, 0, 0) + question
        if action == "noise":
            return delay, os.urandom(7)
        if action == "garbage":
            # A valid header and question (so c-ares accepts it as the reply), then an
            # answer whose owner name is a compression pointer to itself.
            loop = struct.pack("!H", 0xC000 | (12 + len(question)))
            return delay, self.header(qid, flags, NOERROR, 1, 1, 0) + question + loop + b"\0\1\0\1"
        if action == "truncate" and transport == "udp":
            return delay, self.header(qid, flags, NOERROR, 1, 0, 0, tc=True) + question

        rcode, records = self.config.zone.lookup(name, type_name)
        if rcode == "drop":
            return 0, None
        body = b"".join(encode_rr(owner, rtype, self.config.ttl, rdata) for owner, rtype, rdata in records)
        authority, nscount = b"", 0
        negative = rcode == NXDOMAIN or (rcode == NOERROR and not any(r[1] != "CNAME" for r in records))
        if negative and self.config.soa_minimum is not None:
            labels = name.split(".")
            authority, nscount = soa_rr(".".join(labels[-2:]), self.config.soa_minimum), 1
        reply = self.header(qid, flags, rcode, 1, len(records), nscount) + question + body + authority
        if transport == "udp" and len(reply) > payload:
            reply = self.header(qid, flags, rcode, 1, 0, 0, tc=True) + question
        return delay, reply


def serve_udp(sock, responder):
    while True:
        query, peer = sock.recvfrom(65535)
        delay, reply = responder.answer(query, "udp")
        if reply is None:
            continue
        if delay:
            threading.Timer(delay, sock.sendto, (reply, peer)).start()
        else:
            sock.sendto(reply, peer)


def serve_tcp_connection(conn, responder):
    with conn:
        while True:
            head = recv_exact(conn, 2)
            if head is None:
                return
            query = recv_exact(conn, struct.unpack("!H", head)[0])
            if query is None:
                return
            delay, reply = responder.answer(query, "tcp")
            if reply is None:
                continue
            time.sleep(delay)
            conn.sendall(struct.pack("!H", len(reply)) + reply)


def recv_exact(conn, size):
    data = b""
    while len(data) < size:
        chunk = conn.recv(size - len(data))
        if not chunk:
            return None
        data += chunk
    return data


def serve_tcp(sock, responder):
    while True:
        conn, _ = sock.accept()
        threading.Thread(target=serve_tcp_connection, args=(conn, responder), daemon=True).start()


def make_control(responder):
    """The control socket: always on 127.0.0.1, whatever --listen says."""
    class Control(socketserver.StreamRequestHandler):
        def handle(self):
            for line in self.rfile:
                words = line.decode("utf-8", "replace").split()
                if not words:
                    continue
                command = words[0].upper()
                if command == "COUNT" and 2 <= len(words) <= 4:
                    name = words[1] if words[1] == "*" else normalise(words[1])
                    rtype = words[2].upper() if len(words) > 2 else "*"
                    transport = words[3].lower() if len(words) > 3 else "*"
                    reply = str(responder.counter.get(name, rtype, transport))
                elif command == "RESET":
                    responder.counter.reset()
                    reply = "OK"
                else:
                    reply = "ERROR usage: COUNT <name|*> [<type|*> [udp|tcp|*]] | RESET"
                self.wfile.write((reply + "\n").encode())

    socketserver.ThreadingTCPServer.daemon_threads = True
    return socketserver.ThreadingTCPServer(("127.0.0.1", 0), Control)


def bind_pair(host, port):
    """UDP and TCP sockets on one port (port 0: any free one, retried until TCP fits)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    for _ in range(50):
        udp = socket.socket(family, socket.SOCK_DGRAM)
        udp.bind((host, port))
        chosen = udp.getsockname()[1]
        tcp = socket.socket(family, socket.SOCK_STREAM)
        tcp.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            tcp.bind((host, chosen))
        except OSError:
            udp.close()
            tcp.close()
            if port:
                raise
            continue
        tcp.listen(64)
        return udp, tcp, chosen
    raise OSError("no port free for both UDP and TCP")


# --- configuration -------------------------------------------------------------------------

def load_yaml_documents(path):
    import yaml  # only needed for YAML input
    try:
        with open(path, encoding="utf-8") as handle:
            return [document for document in yaml.safe_load_all(handle) if document is not None]
    except (OSError, yaml.YAMLError) as error:
        raise SystemExit("responder: cannot read %s: %s" % (path, error))


def parse_faults(raw):
    faults = {}
    for name, spec in (raw or {}).items():
        if isinstance(spec, str):
            spec = {"action": spec}
        spec = dict(spec)
        if "action" not in spec and "delay_ms" in spec:
            spec["action"] = "delay"
        if spec.get("action") not in FAULTS:
            raise SystemExit("responder: unknown fault %r for %s (one of %s)" % (spec.get("action"), name, ", ".join(FAULTS)))
        faults[normalise(name)] = spec
    return faults


def select_scenario(documents, selector):
    if selector.isdigit():
        index = int(selector)
        if not 0 <= index < len(documents):
            raise SystemExit("responder: scenario index %d out of range 0-%d" % (index, len(documents) - 1))
        return documents[index]
    matches = [d for d in documents if str(d.get("description", "")).lower() == selector.lower()]
    if len(matches) != 1:
        raise SystemExit("responder: no single scenario described %r (see --list-scenarios)" % selector)
    return matches[0]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--script", help="YAML script: zonedata, faults, ttl, soa_minimum")
    source.add_argument("--rfc7208", metavar="FILE", help="the RFC 7208 suite (rfc7208-tests.yml)")
    parser.add_argument("--scenario", help="with --rfc7208: 0-based index or exact description")
    parser.add_argument("--list-scenarios", action="store_true", help="with --rfc7208: list and exit")
    parser.add_argument("--listen", default="127.0.0.1", help="127.0.0.1 (default) or ::1")
    parser.add_argument("--port", type=int, default=0, help="default: a free port")
    parser.add_argument("--ttl", type=int, help="TTL of every record (default 300, or the script's)")
    parser.add_argument("--soa-minimum", type=int, help="SOA minimum on negative answers (default 60; -1: no SOA)")
    args = parser.parse_args()

    ttl, soa_minimum, faults, zonedata = 300, 60, {}, {}
    if args.script:
        documents = load_yaml_documents(args.script)
        script = documents[0] if documents else {}
        zonedata, faults = script.get("zonedata", {}), parse_faults(script.get("faults"))
        ttl = script.get("ttl", ttl)
        soa_minimum = script.get("soa_minimum", soa_minimum)
    else:
        documents = load_yaml_documents(args.rfc7208)
        if args.list_scenarios:
            for index, document in enumerate(documents):
                print("%d\t%s\t%d tests" % (index, document.get("description"), len(document.get("tests", {}))))
            return
        if args.scenario is None:
            raise SystemExit("responder: --rfc7208 needs --scenario (see --list-scenarios)")
        zonedata = select_scenario(documents, args.scenario).get("zonedata", {})
    if args.ttl is not None:
        ttl = args.ttl
    if args.soa_minimum is not None:
        soa_minimum = args.soa_minimum
    if soa_minimum is not None and soa_minimum < 0:
        soa_minimum = None

    responder = Responder(Config(Zone(zonedata), faults, ttl, soa_minimum))
    udp, tcp, port = bind_pair(args.listen, args.port)
    control = make_control(responder)
    threading.Thread(target=serve_udp, args=(udp, responder), daemon=True).start()
    threading.Thread(target=serve_tcp, args=(tcp, responder), daemon=True).start()
    threading.Thread(target=control.serve_forever, daemon=True).start()
    print("READY %d %d" % (port, control.server_address[1]), flush=True)
    # Whoever started us may stop reading: later writes to stdout must not kill us.
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    threading.Event().wait()


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        pass
