// UserID: the account switch after binding (see privileges.h).
#include "milter/privileges.h"

#include <grp.h>
#include <pwd.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

namespace dmarc::milter {
namespace {

using core::fail;

std::string systemError(const std::string& what) { return what + ": " + std::strerror(errno); }

}  // namespace

core::Result<bool, std::string> dropPrivileges(const config::RunAs& runAs, const std::string& unixSocketPath) {
    if (runAs.user.empty()) return false;
    std::vector<char> buffer(16384);
    passwd account{};
    passwd* found = nullptr;
    if (::getpwnam_r(runAs.user.c_str(), &account, buffer.data(), buffer.size(), &found) != 0 || found == nullptr)
        return fail("UserID: no such user: " + runAs.user);
    const uid_t uid = account.pw_uid;
    gid_t gid = account.pw_gid;
    const std::string userName = account.pw_name;
    if (!runAs.group.empty()) {
        std::vector<char> groupBuffer(16384);
        group entry{};
        group* groupFound = nullptr;
        if (::getgrnam_r(runAs.group.c_str(), &entry, groupBuffer.data(), groupBuffer.size(), &groupFound) != 0 ||
            groupFound == nullptr)
            return fail("UserID: no such group: " + runAs.group);
        gid = entry.gr_gid;
    }
    if (!unixSocketPath.empty() && ::chown(unixSocketPath.c_str(), uid, gid) != 0)
        return fail(systemError("cannot hand " + unixSocketPath + " to " + userName));
    if (::initgroups(userName.c_str(), gid) != 0) return fail(systemError("initgroups(" + userName + ")"));
    if (::setgid(gid) != 0) return fail(systemError("setgid"));
    if (::setuid(uid) != 0) return fail(systemError("setuid(" + userName + ")"));
    if (uid != 0 && ::setuid(0) == 0) return fail(std::string("privileges were not dropped: setuid(0) still succeeds"));
    return true;
}

}  // namespace dmarc::milter
