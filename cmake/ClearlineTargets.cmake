# Shared compile options for every Clearline target.
add_library(clearline_options INTERFACE)
target_compile_options(clearline_options INTERFACE -Wall -Wextra -Wpedantic -Wno-missing-field-initializers)
if(CLEARLINE_WERROR)
  target_compile_options(clearline_options INTERFACE -Werror)
endif()
if(CLEARLINE_SANITIZE)
  # GCC 12 reports known false positives of these flow-sensitive warnings once
  # sanitizer instrumentation and -O1 are on (std::variant/std::optional in
  # Result<T>, inlined string copies; Boost.Asio's awaitable frames, whose
  # class-specific operator new/delete pair GCC sees as mismatched once the
  # recycling allocator is inlined); the dev preset keeps them as errors.
  target_compile_options(clearline_options INTERFACE -Wno-maybe-uninitialized -Wno-stringop-overflow
                         -Wno-array-bounds -Wno-free-nonheap-object -Wno-mismatched-new-delete)
  target_compile_options(clearline_options INTERFACE -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  target_link_options(clearline_options INTERFACE -fsanitize=address,undefined)
endif()
target_include_directories(clearline_options INTERFACE ${PROJECT_SOURCE_DIR}/src)

# clearline_area_library(NAME DIR [EXCLUDE_REGEX RE] [DEPS ...]): a static
# library from DIR's sources (recursively, without *_test.cc / *_fuzz.cc /
# *main.cc, nor those matching RE: an area's parts built as libraries of their
# own) and, if there are any, a test binary NAME_tests from DIR's *_test.cc,
# registered with CTest.
function(clearline_area_library name dir)
  cmake_parse_arguments(ARG "" "EXCLUDE_REGEX" "DEPS;TEST_DEPS" ${ARGN})
  file(GLOB_RECURSE srcs CONFIGURE_DEPENDS ${dir}/*.cc)
  file(GLOB_RECURSE tests CONFIGURE_DEPENDS ${dir}/*_test.cc)
  list(FILTER srcs EXCLUDE REGEX "(_test|_fuzz|_main)\\.cc$")
  if(ARG_EXCLUDE_REGEX)
    list(FILTER srcs EXCLUDE REGEX "${ARG_EXCLUDE_REGEX}")
  endif()
  add_library(${name} STATIC ${srcs})
  target_link_libraries(${name} PUBLIC clearline_options ${ARG_DEPS})
  if(tests)
    add_executable(${name}_tests ${tests})
    target_link_libraries(${name}_tests PRIVATE ${name} ${ARG_TEST_DEPS} GTest::gmock GTest::gtest_main)
    # Tests find data files (data/, docs/) through this, never through __FILE__
    # (ccache's CCACHE_BASEDIR makes __FILE__ relative to the build folder).
    target_compile_definitions(${name}_tests PRIVATE CLEARLINE_SOURCE_DIR="${PROJECT_SOURCE_DIR}")
    gtest_discover_tests(${name}_tests DISCOVERY_TIMEOUT 60 PROPERTIES LABELS unit)
  endif()
endfunction()

# Fuzzing (docs/import.md "Fuzzing"). Under the `fuzz` preset (clang-14,
# CLEARLINE_FUZZ=ON) every Clearline library is compiled with coverage
# instrumentation and each clearline_fuzz_target() is a libFuzzer binary in
# ${CMAKE_BINARY_DIR}/fuzz/; scripts/test.sh builds `clearline_fuzz_all` and
# runs each for a bounded time. In every other build the same target is a
# replay binary (fuzz target + cmake/fuzz_replay_main.cc) that CTest runs
# over the seed corpus tests/fuzz/corpus/<name>/, so the seeds also run under
# ASan+UBSan in the normal suite.
option(CLEARLINE_FUZZ "Build libFuzzer targets (clang only; the fuzz preset)" OFF)
if(CLEARLINE_FUZZ)
  target_compile_options(clearline_options INTERFACE
    -fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  target_link_options(clearline_options INTERFACE -fsanitize=address,undefined)
endif()
if(NOT TARGET clearline_fuzz_all)
  add_custom_target(clearline_fuzz_all)
endif()

# clearline_fuzz_target(NAME FILE [DEPS...])
function(clearline_fuzz_target name file)
  if(NOT EXISTS ${file})
    message(STATUS "fuzz target ${name}: ${file} not written yet, skipped")
    return()
  endif()
  set(corpus ${PROJECT_SOURCE_DIR}/tests/fuzz/corpus/${name})
  if(CLEARLINE_FUZZ)
    add_executable(${name} ${file})
    target_link_libraries(${name} PRIVATE clearline_options ${ARGN})
    target_link_options(${name} PRIVATE -fsanitize=fuzzer)
    set_target_properties(${name} PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/fuzz)
    add_dependencies(clearline_fuzz_all ${name})
  else()
    add_executable(${name} ${file} ${PROJECT_SOURCE_DIR}/cmake/fuzz_replay_main.cc)
    target_link_libraries(${name} PRIVATE clearline_options ${ARGN})
    if(EXISTS ${corpus})
      add_test(NAME fuzz_replay.${name} COMMAND ${name} ${corpus})
      set_tests_properties(fuzz_replay.${name} PROPERTIES LABELS fuzz)
    endif()
  endif()
endfunction()
