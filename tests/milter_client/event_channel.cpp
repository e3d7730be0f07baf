// One negotiated milter connection, event by event, with Postfix's rules: see
// event_channel.h.
#include "milter_client/event_channel.h"

namespace dmarc::milterclient {

ClientResult<EventChannel> EventChannel::negotiate(Connection connection, const Offer& offer) {
    auto queued = connection.queue(wire::Command::OptionNegotiation,
                                   wire::optionNegotiationPayload(offer.version, offer.actions, offer.protocol));
    if (!queued) return core::fail(queued.error());
    auto answer = connection.read("SMFIC_OPTNEG");
    if (!answer) return core::fail(answer.error());
    auto negotiated = wire::parseNegotiation(*answer, offer.version, offer.actions);
    if (!negotiated) {
        connection.close();
        return core::fail(negotiated.error());
    }
    MacroLists lists = applySymbolLists(offer.macroLists, *negotiated);
    return EventChannel(std::move(connection), std::move(negotiated).value(), std::move(lists));
}

ClientResult<EventReply> EventChannel::send(Stage stage, std::string_view payload, const std::vector<Macro>& macros,
                                            Outcome& outcome) {
    if (!connection_.isOpen()) return clientFail(ErrorKind::NotConnected, "connection is closed");
    if (skipping_ == stage) return EventReply{};
    skipping_.reset();
    const wire::EventInfo& info = wire::eventInfo(stage);
    if (info.macros) {
        const auto selected = selectMacros(macroLists_, *info.macros, macros);
        if (!selected.empty()) {
            auto queued = connection_.queue(wire::Command::Macro, wire::macroPayload(info.command, selected));
            if (!queued) return core::fail(queued.error());
        }
    }
    if (negotiated_.has(info.noSendBit)) return EventReply{};
    auto queued = connection_.queue(info.command, payload);
    if (!queued) return core::fail(queued.error());
    if (info.noReplyBit != 0 && negotiated_.has(info.noReplyBit)) {
        EventReply pending;
        pending.status = EventReply::Status::NoReply;
        return pending;
    }
    return awaitFinal(stage, outcome);
}

ClientResult<EventReply> EventChannel::awaitFinal(Stage stage, Outcome& outcome) {
    const std::string_view awaiting = wire::commandName(wire::eventInfo(stage).command);
    for (;;) {
        auto packet = connection_.read(awaiting);
        if (!packet) return core::fail(packet.error());
        auto reply = wire::parseReply(*packet);
        if (!reply) {
            connection_.close();
            return core::fail(reply.error());
        }
        switch (reply->type) {
        case wire::Reply::Type::Progress:
            ++outcome.progressReplies;
            continue;
        case wire::Reply::Type::Modification: {
            const Modification& change = reply->modification;
            // Postfix takes quarantine at any event, message changes only at end of message.
            if (change.kind != Modification::Kind::Quarantine && stage != Stage::EndOfMessage) {
                connection_.close();
                return clientFail(ErrorKind::Protocol, std::string(modificationName(change.kind)) +
                                                           " request after " + std::string(awaiting));
            }
            if (change.kind == Modification::Kind::Quarantine) outcome.quarantine = change.value;
            outcome.modifications.push_back(change);
            continue;
        }
        case wire::Reply::Type::Skip: {
            skipping_ = stage;
            EventReply answered;
            answered.status = EventReply::Status::Answered;
            answered.skip = true;
            return answered;
        }
        case wire::Reply::Type::Decision: {
            EventReply answered;
            answered.status = EventReply::Status::Answered;
            answered.decision = reply->decision;
            answered.replyText = std::move(reply->replyText);
            return answered;
        }
        }
    }
}

ClientResult<Done> EventChannel::command(wire::Command command) {
    auto queued = connection_.queue(command, {});
    if (!queued) return queued;
    return connection_.flush();
}

}  // namespace dmarc::milterclient
