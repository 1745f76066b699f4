# libFuzzer targets for the parsers that read device data. libFuzzer needs clang and the project
# builds with g++, so each fuzz target is compiled by clang++ directly (when it is installed;
# .ci/setup installs it) from sources that need nothing but the standard library and the SDK
# header. Built with `all`; ctest runs each one for 5 s (label `fuzz`). Longer runs on demand:
#   <build>/<dir>/<name> -max_total_time=600 <build>/<dir>/corpus_<name>
find_program(NUTPP_CLANGXX NAMES clang++ clang++-16 clang++-15 clang++-14)

# nutpp_add_fuzzer(<name> TEST <ctest name> SOURCES <files...> [DEPENDS <files...>]
#                  [INCLUDES <dirs...>] [DEFINES <macros...>] [LIBS <libs...>] [SEEDS <dirs...>]
#                  [SEED_COMMAND <cmd...>])
# LIBS are system libraries linked as -l<lib> (e.g. yaml-cpp for a loader that parses YAML).
# SEED_COMMAND runs before each ctest run (e.g. to turn test data into seed files).
function(nutpp_add_fuzzer name)
  if(DEFINED BUILD_TESTING AND NOT BUILD_TESTING)   # e.g. the package build: nothing runs them
    return()
  endif()
  cmake_parse_arguments(F "" "TEST" "SOURCES;DEPENDS;INCLUDES;DEFINES;LIBS;SEEDS;SEED_COMMAND" ${ARGN})
  if(NOT NUTPP_CLANGXX)
    message(STATUS "${name}: clang++ not found, fuzz target not built")
    return()
  endif()
  set(_out ${CMAKE_CURRENT_BINARY_DIR}/${name})
  set(_flags -std=c++20 -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined
             -I${PROJECT_SOURCE_DIR}/sdk/include)
  foreach(_dir IN LISTS F_INCLUDES)
    list(APPEND _flags -I${_dir})
  endforeach()
  foreach(_def IN LISTS F_DEFINES)
    list(APPEND _flags -D${_def})
  endforeach()
  set(_libs "")
  foreach(_lib IN LISTS F_LIBS)
    list(APPEND _libs -l${_lib})
  endforeach()
  add_custom_command(OUTPUT ${_out}
    COMMAND ${NUTPP_CLANGXX} ${_flags} -o ${_out} ${F_SOURCES} ${_libs}
    DEPENDS ${F_SOURCES} ${F_DEPENDS}
    COMMENT "clang++ libFuzzer: ${name}"
    VERBATIM)
  add_custom_target(build_${name} ALL DEPENDS ${_out})
  set(_corpus ${CMAKE_CURRENT_BINARY_DIR}/corpus_${name})
  set(_seeds "")
  foreach(_dir IN LISTS F_SEEDS)
    string(APPEND _seeds " '${_dir}'")
  endforeach()
  set(_prepare "")
  if(F_SEED_COMMAND)
    list(JOIN F_SEED_COMMAND "' '" _joined)
    set(_prepare "'${_joined}' && ")
  endif()
  add_test(NAME ${F_TEST}
    COMMAND sh -c "test -x '${_out}' || exit 77; mkdir -p '${_corpus}' && ${_prepare}'${_out}' -max_total_time=5 '${_corpus}'${_seeds}")
  set_tests_properties(${F_TEST} PROPERTIES SKIP_RETURN_CODE 77 TIMEOUT 60 LABELS fuzz)
endfunction()
