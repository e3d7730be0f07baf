// Runs a program to completion as a child process for a CLI test: argv[0] an absolute
// path, `input` written to its standard input (closed after), standard output and error
// collected, the exit status returned. A program still running after `timeout` is killed
// (SIGKILL, by its PID) and reported as an error. Test code only; one call per thread.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "core/result.h"

namespace dmarc::checktest {

struct ProgramRun {
    int exitStatus = -1;  // the exit code; 128 + N when killed by signal N
    std::string out;
    std::string err;
};

core::Result<ProgramRun, std::string> runProgram(const std::vector<std::string>& argv, const std::string& input = {},
                                                 std::chrono::milliseconds timeout = std::chrono::seconds(60));

}  // namespace dmarc::checktest
