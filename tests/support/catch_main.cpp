// The Catch2 v2 main for unit tests (compiled once, shared by test executables).
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>
