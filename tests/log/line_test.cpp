// Unit tests for lib/log/log_line.cpp: the "ID: key=value ..." builder, NOQUEUE for an
// unknown queue id, and that hostile ids and values cannot add fields. Deterministic.
#include <catch2/catch.hpp>

#include <string>

#include "log/log_line.h"

using dmarc::log::LogLine;

TEST_CASE("log_line: fields follow the id in order") {
    LogLine line("3Zx1Kq4Hj");
    line.atom("from", "mydomain.com").raw("dmarc", "pass").value("reason", "no record");
    CHECK(line.str() == "3Zx1Kq4Hj: from=mydomain.com dmarc=pass reason=\"no record\"");
}

TEST_CASE("log_line: without a queue id the line says NOQUEUE") {
    CHECK(LogLine("").str() == "NOQUEUE:");
    CHECK(LogLine("").atom("ip", "192.0.2.1").str() == "NOQUEUE: ip=192.0.2.1");
}

TEST_CASE("log_line: a word of ours says what the line is about before its fields") {
    CHECK(LogLine("").word("skip").value("reason", "client 127.0.0.1 in IgnoreNetworks").atom("ip", "127.0.0.1").str() ==
          "NOQUEUE: skip reason=\"client 127.0.0.1 in IgnoreNetworks\" ip=127.0.0.1");
    CHECK(LogLine("Q1").word("error").raw("action", "tempfail").str() == "Q1: error action=tempfail");
}

TEST_CASE("log_line: hostile ids and values stay inside their field") {
    CHECK(LogLine("ABC: dmarc=pass").str() == "ABC:\\x20dmarc\\x3dpass:");
    CHECK(LogLine("ABC\n").str() == "ABC\\x0a:");
    CHECK(LogLine("Q").atom("from", "x.com dmarc=pass").str() == "Q: from=x.com\\x20dmarc\\x3dpass");
    CHECK(LogLine("Q").value("helo", "x\" dmarc=\"pass").str() == "Q: helo=\"x\\\" dmarc=\\\"pass\"");
    CHECK(LogLine("Q").atom("from", "").value("helo", "").str() == "Q: from=\"\" helo=\"\"");
}
