# Test-registration helpers shared by every tests/ directory, so each area states only what
# differs (prefix, label, libraries). Every target lands in an aggregate target (unit_tests,
# fuzz_replays, …) so a build of just those aggregates can run exactly the matching labels,
# as the sanitizer stage of scripts/test does.

# One executable per DIR/<name>_test.cpp (DIR defaults to the current source directory)
# named <PREFIX><name>_test, one ctest per TEST_CASE (named "<target>: <case>"), labelled
# LABEL and added to the aggregate GROUP.
#   dmarc_add_catch_tests(PREFIX p LABEL l GROUP g LINK libs... [DIR d] [DEPENDS targets...]
#                         [DEFINITIONS defs...] [EMULATOR wrapper])
function(dmarc_add_catch_tests)
  cmake_parse_arguments(ARG "" "PREFIX;LABEL;GROUP;EMULATOR;DIR" "LINK;DEPENDS;DEFINITIONS" ${ARGN})
  if(NOT ARG_DIR)
    set(ARG_DIR ${CMAKE_CURRENT_SOURCE_DIR})
  endif()
  file(GLOB sources CONFIGURE_DEPENDS ${ARG_DIR}/*_test.cpp)
  foreach(source ${sources})
    get_filename_component(stem ${source} NAME_WE)
    set(target ${ARG_PREFIX}${stem})
    add_executable(${target} ${source})
    target_include_directories(${target} PRIVATE ${ARG_DIR} ${PROJECT_SOURCE_DIR}/tests)
    target_link_libraries(${target} PRIVATE catch_main ${ARG_LINK})
    if(ARG_DEFINITIONS)
      target_compile_definitions(${target} PRIVATE ${ARG_DEFINITIONS})
    endif()
    if(ARG_DEPENDS)
      add_dependencies(${target} ${ARG_DEPENDS})
    endif()
    if(ARG_EMULATOR)
      set_target_properties(${target} PROPERTIES CROSSCOMPILING_EMULATOR ${ARG_EMULATOR})
    endif()
    catch_discover_tests(${target} TEST_PREFIX "${target}: " PROPERTIES LABELS ${ARG_LABEL})
    add_dependencies(${ARG_GROUP} ${target})
  endforeach()
endfunction()

# A fuzz target from SOURCE (defining LLVMFuzzerTestOneInput): always <NAME>_replay, which
# replays the seed corpus CORPUS as ctest fuzz_corpus_<NAME> (label fuzz, aggregate
# fuzz_replays); with -DDMARC_FUZZ=ON also the libFuzzer <NAME>_fuzzer (aggregate
# all_fuzzers), which scripts/test --fuzz runs on a copy of CORPUS.
#   dmarc_add_fuzz_target(NAME n SOURCE file CORPUS dir LINK libs...)
function(dmarc_add_fuzz_target)
  cmake_parse_arguments(ARG "" "NAME;SOURCE;CORPUS" "LINK" ${ARGN})
  add_executable(${ARG_NAME}_replay ${ARG_SOURCE} ${PROJECT_SOURCE_DIR}/tests/fuzz/replay_main.cpp)
  target_link_libraries(${ARG_NAME}_replay PRIVATE ${ARG_LINK})
  add_dependencies(fuzz_replays ${ARG_NAME}_replay)
  add_test(NAME fuzz_corpus_${ARG_NAME} COMMAND ${ARG_NAME}_replay ${ARG_CORPUS})
  set_tests_properties(fuzz_corpus_${ARG_NAME} PROPERTIES LABELS fuzz)
  if(DMARC_FUZZ)
    add_executable(${ARG_NAME}_fuzzer ${ARG_SOURCE})
    target_link_libraries(${ARG_NAME}_fuzzer PRIVATE ${ARG_LINK})
    target_link_options(${ARG_NAME}_fuzzer PRIVATE -fsanitize=fuzzer)
    add_dependencies(all_fuzzers ${ARG_NAME}_fuzzer)
  endif()
endfunction()

# Every DIR/<name>_fuzz.cpp as a fuzz target <name> with seed corpus DIR/corpus/<name>.
#   dmarc_add_fuzz_targets(DIR d LINK libs...)
function(dmarc_add_fuzz_targets)
  cmake_parse_arguments(ARG "" "DIR" "LINK" ${ARGN})
  file(GLOB sources CONFIGURE_DEPENDS ${ARG_DIR}/*_fuzz.cpp)
  foreach(source ${sources})
    get_filename_component(stem ${source} NAME_WE)
    string(REGEX REPLACE "_fuzz$" "" name ${stem})
    dmarc_add_fuzz_target(NAME ${name} SOURCE ${source} CORPUS ${ARG_DIR}/corpus/${name} LINK ${ARG_LINK})
  endforeach()
endfunction()
