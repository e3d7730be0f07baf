// RecordingActions: a MilterActions that records every call as one line of text, in
// order, and refuses the kinds of action a test names — for tests of applyPlan and of
// anything else that drives a MilterActions (the Session, the daemon's end of message).
// Lines: "delete NAME INDEX", "insert POSITION NAME:VALUE", "quarantine REASON",
// "reply CODE ENHANCED TEXT" (TEXT as libmilter gets it: textForMilter()). Not thread-safe.
#pragma once

#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "pipeline/milter_actions.h"

namespace dmarc::pipeline::testing {

class RecordingActions : public MilterActions {
public:
    enum class Kind { Delete, Insert, Quarantine, Reply };

    // Every later call of this kind is recorded and answered false.
    void refuse(Kind kind) { refused_.insert(kind); }

    const std::vector<std::string>& calls() const { return calls_; }

    bool deleteHeader(std::string_view name, int index) override {
        return record(Kind::Delete, "delete " + std::string(name) + " " + std::to_string(index));
    }
    bool insertHeader(int position, std::string_view name, std::string_view value) override {
        return record(Kind::Insert,
                      "insert " + std::to_string(position) + " " + std::string(name) + ":" + std::string(value));
    }
    bool quarantine(std::string_view reason) override {
        return record(Kind::Quarantine, "quarantine " + std::string(reason));
    }
    bool setReply(const core::SmtpReply& reply) override {
        return record(Kind::Reply, "reply " + reply.code() + " " + reply.enhancedCode() + " " + reply.textForMilter());
    }

private:
    bool record(Kind kind, std::string line) {
        calls_.push_back(std::move(line));
        return refused_.count(kind) == 0;
    }

    std::set<Kind> refused_;
    std::vector<std::string> calls_;
};

}  // namespace dmarc::pipeline::testing
