// Shared pieces of the Session tests: one NSD per test process serving
// tests/data/pipeline/zones, one Services instance pointed at it (the Services depend
// only on restart-only settings, so every scenario's Config may share them), configs
// from configuration text, and a driver that feeds a message file to a Session the way
// libmilter does (header values after the colon with their leading space, folds as bare
// LF; the body in CRLF chunks). Test code only.
#pragma once

#include <catch2/catch.hpp>

#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "config/config_parser.h"
#include "nsd_server.h"
#include "pipeline/services.h"
#include "pipeline/message_splitter.h"
#include "pipeline/session.h"

namespace dmarc::sessiontest {

inline std::string pipelineDataDir() { return testdns::testZonesDir() + "/../pipeline"; }

inline const testdns::NsdServer& pipelineNsd() {
    static const auto started = [] {
        testdns::NsdOptions options;
        options.zonesDir = pipelineDataDir() + "/zones";
        options.ipv6 = true;
        return testdns::NsdServer::start(options);
    }();
    if (!started) FAIL("NSD did not start: " << started.error());
    return *started.value();
}

// Every setting at its default but AuthservID and short DNS timeouts, then `extra` lines.
inline config::ConfigPtr makeConfig(const std::string& extra = {}) {
    config::ParseContext context = config::systemParseContext();
    context.hostName = "mx.pipeline.test";
    const std::string text = "AuthservID mx.pipeline.test\nDNSTimeout 300ms\nDNSRetries 1\nSyslog no\n" + extra;
    auto parsed = config::parseConfig(text, "session-test.conf", context);
    if (!parsed) FAIL("config: " << config::describe(parsed.error()));
    return parsed.value();
}

inline std::shared_ptr<const pipeline::Services> sharedServices() {
    static const auto services = [] {
        pipeline::ServiceOptions options;
        options.nameservers = std::vector<std::string>{pipelineNsd().endpoint().hostPort()};
        options.spfThreads = 2;
        return pipeline::makeServices(*makeConfig(), options);
    }();
    if (!services) FAIL("services: " << services.error());
    return services.value();
}

struct Envelope {
    std::string clientIp;
    std::string helo = "client.example";
    std::string mailFrom;  // with <>
    std::string authAuthen;
    std::vector<std::string> recipients = {"<bob@example.net>"};
    std::string daemonName = "smtpd";
};

// A client at `ip` saying `heloName`, sending from `sender` (with <>) to bob@example.net.
inline Envelope client(std::string ip, std::string heloName, std::string sender) {
    Envelope envelope;
    envelope.clientIp = std::move(ip);
    envelope.helo = std::move(heloName);
    envelope.mailFrom = std::move(sender);
    return envelope;
}

inline std::string readMessage(const std::string& name) {
    const std::string path = pipelineDataDir() + "/messages/" + name + ".eml";
    std::ifstream in(path, std::ios::binary);
    if (!in) FAIL("missing test message " << path);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

// MAIL FROM through end of message (connect and HELO are the caller's).
inline pipeline::MessageOutcome sendMessage(pipeline::Session& session, const Envelope& envelope,
                                            const std::string& message, const std::string& queueId = "4QTEST") {
    session.mailFrom(envelope.mailFrom, envelope.authAuthen);
    for (const auto& rcpt : envelope.recipients) session.recipient(rcpt);
    const auto split = pipeline::splitMessage(message);
    for (const auto& field : split.headers) session.header(field.name, field.value);
    session.endOfHeaders();
    // Small chunks: the Session must not depend on where the MTA cuts the body.
    for (const auto chunk : pipeline::bodyChunks(split.body, 1000)) {
        if (session.body(chunk) == pipeline::EventReply::SkipBody) break;
    }
    return session.endOfMessage(queueId);
}

// A whole connection carrying one message.
inline pipeline::MessageOutcome deliver(const Envelope& envelope, const std::string& messageName,
                                        config::ConfigPtr config = makeConfig()) {
    pipeline::Session session(sharedServices(), [config] { return config; });
    REQUIRE(session.connect({envelope.clientIp, "client.example", envelope.daemonName}) ==
            pipeline::EventReply::Continue);
    session.helo(envelope.helo);
    return sendMessage(session, envelope, readMessage(messageName));
}

}  // namespace dmarc::sessiontest
