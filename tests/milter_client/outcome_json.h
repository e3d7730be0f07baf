// JSON rendering of an Outcome (and of a ClientError) for milter-send's output lines and
// for tests. One object per message; see docs/milter-client.md for the fields.
// Pure functions.
#pragma once

#include <nlohmann/json.hpp>

#include "milter_client/client_error.h"
#include "milter_client/outcome.h"

namespace dmarc::milterclient {

nlohmann::json toJson(const Modification& modification);
nlohmann::json toJson(const Outcome& outcome);
nlohmann::json toJson(const ClientError& error);

}  // namespace dmarc::milterclient
