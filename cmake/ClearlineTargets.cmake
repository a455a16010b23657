# Shared compile options for every Clearline target.
add_library(clearline_options INTERFACE)
target_compile_options(clearline_options INTERFACE -Wall -Wextra -Wpedantic -Wno-missing-field-initializers)
if(CLEARLINE_WERROR)
  target_compile_options(clearline_options INTERFACE -Werror)
endif()
if(CLEARLINE_SANITIZE)
  target_compile_options(clearline_options INTERFACE -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  target_link_options(clearline_options INTERFACE -fsanitize=address,undefined)
endif()
target_include_directories(clearline_options INTERFACE ${PROJECT_SOURCE_DIR}/src)

# clearline_area_library(NAME DIR [DEPS ...]): a static library from DIR's
# sources (recursively, without *_test.cc / *_fuzz.cc / *main.cc) and, if there
# are any, a test binary NAME_tests from DIR's *_test.cc, registered with CTest.
function(clearline_area_library name dir)
  cmake_parse_arguments(ARG "" "" "DEPS;TEST_DEPS" ${ARGN})
  file(GLOB_RECURSE srcs CONFIGURE_DEPENDS ${dir}/*.cc)
  file(GLOB_RECURSE tests CONFIGURE_DEPENDS ${dir}/*_test.cc)
  list(FILTER srcs EXCLUDE REGEX "(_test|_fuzz|_main)\\.cc$")
  add_library(${name} STATIC ${srcs})
  target_link_libraries(${name} PUBLIC clearline_options ${ARG_DEPS})
  if(tests)
    add_executable(${name}_tests ${tests})
    target_link_libraries(${name}_tests PRIVATE ${name} ${ARG_TEST_DEPS} GTest::gmock GTest::gtest_main)
    gtest_discover_tests(${name}_tests DISCOVERY_TIMEOUT 60 PROPERTIES LABELS unit)
  endif()
endfunction()
