# nutpp_add_driver(<name> SOURCES <src>... [LIBRARIES <lib>...]
#                  [OUTPUT_DIRECTORY <dir>] [INSTALL_DESTINATION <dir>] [NO_INSTALL])
#
# Builds a driver plugin as the module nutpp-<name>.so (a MODULE library: dlopen()ed, never linked
# against) that exports only the nutpp_driver_v1 symbol (linker version script nutpp-driver.map) and
# has no unresolved symbols (-z defs: a missing library fails the link, not the host's dlopen).
# <name> must equal the descriptor's `name`: upsdrvd loads `driver: <name>` from nutpp-<name>.so.
#
# Used in-tree and by third parties through the installed SDK package (find_package(nutpp-sdk)), so
# both build plugins the same way.
#   OUTPUT_DIRECTORY     where the .so is written (default: in-tree the build's plugin directory,
#                        out of tree CMake's default library output directory)
#   INSTALL_DESTINATION  install directory (default: in-tree the host's plugin directory, out of tree
#                        ${CMAKE_INSTALL_LIBDIR}/nutpp/drivers under your install prefix; pass
#                        ${NUTPP_SDK_DRIVER_DIR} to install next to the SDK's own upsdrvd plugins)
#   NO_INSTALL           no install rule (test-only plugins)
function(nutpp_add_driver name)
  cmake_parse_arguments(ARG "NO_INSTALL" "OUTPUT_DIRECTORY;INSTALL_DESTINATION" "SOURCES;LIBRARIES" ${ARGN})
  # The same rule the host applies to descriptor names; checked here so a typo fails at configure time.
  if(NOT name MATCHES "^[a-z0-9_-]+$")
    message(FATAL_ERROR "nutpp_add_driver: plugin name '${name}' must match [a-z0-9_-]+")
  endif()
  if(NOT ARG_SOURCES)
    message(FATAL_ERROR "nutpp_add_driver(${name}): SOURCES is required")
  endif()
  if(ARG_UNPARSED_ARGUMENTS)
    message(FATAL_ERROR "nutpp_add_driver(${name}): unknown arguments: ${ARG_UNPARSED_ARGUMENTS}")
  endif()

  # The map ships next to this file (sdk/cmake in-tree, <libdir>/cmake/nutpp-sdk installed).
  set(_map "${CMAKE_CURRENT_FUNCTION_LIST_DIR}/nutpp-driver.map")

  add_library(${name} MODULE ${ARG_SOURCES})
  set_target_properties(${name} PROPERTIES
    PREFIX ""
    OUTPUT_NAME "nutpp-${name}"
    SUFFIX ".so"
    POSITION_INDEPENDENT_CODE ON
    C_VISIBILITY_PRESET hidden
    CXX_VISIBILITY_PRESET hidden
    VISIBILITY_INLINES_HIDDEN ON
    LINK_DEPENDS "${_map}")
  if(TARGET nutpp::sdk)
    target_link_libraries(${name} PRIVATE nutpp::sdk)
  else()
    target_link_libraries(${name} PRIVATE nutpp_sdk)
  endif()
  if(ARG_LIBRARIES)
    target_link_libraries(${name} PRIVATE ${ARG_LIBRARIES})
  endif()
  target_link_options(${name} PRIVATE "-Wl,--version-script=${_map}" "-Wl,-z,defs")

  if(ARG_OUTPUT_DIRECTORY)
    set_target_properties(${name} PROPERTIES LIBRARY_OUTPUT_DIRECTORY "${ARG_OUTPUT_DIRECTORY}")
  elseif(DEFINED NUTPP_PLUGIN_OUTPUT_DIR)
    set_target_properties(${name} PROPERTIES LIBRARY_OUTPUT_DIRECTORY "${NUTPP_PLUGIN_OUTPUT_DIR}")
  endif()

  if(ARG_NO_INSTALL)
    return()
  endif()
  if(ARG_INSTALL_DESTINATION)
    set(_dest "${ARG_INSTALL_DESTINATION}")
  elseif(DEFINED NUTPP_PLUGIN_SUBDIR)
    set(_dest "${NUTPP_PLUGIN_SUBDIR}")
  elseif(DEFINED CMAKE_INSTALL_LIBDIR)
    set(_dest "${CMAKE_INSTALL_LIBDIR}/nutpp/drivers")
  else()
    set(_dest "lib/nutpp/drivers")
  endif()
  install(TARGETS ${name} LIBRARY DESTINATION "${_dest}")
endfunction()
