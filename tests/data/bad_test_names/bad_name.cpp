// Deliberately bad fixture: check_test_names.sh must reject this directory.
TEST_CASE("a; b") {}
