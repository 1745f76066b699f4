# nutpp_add_driver(<name> SOURCES ... [LIBRARIES ...])
# Builds a driver plugin as nutpp-<name>.so exporting only the nutpp_driver_v1 symbol, with
# unresolved symbols rejected at link time (-z defs). Used in-tree and by third parties through the
# installed SDK package, so both build plugins the same way.
function(nutpp_add_driver name)
  cmake_parse_arguments(ARG "" "OUTPUT_DIRECTORY;INSTALL_DESTINATION" "SOURCES;LIBRARIES" ${ARGN})
  add_library(${name} MODULE ${ARG_SOURCES})
  set_target_properties(${name} PROPERTIES
    PREFIX ""
    OUTPUT_NAME "nutpp-${name}"
    C_VISIBILITY_PRESET hidden
    CXX_VISIBILITY_PRESET hidden
    VISIBILITY_INLINES_HIDDEN ON)
  if(TARGET nutpp::sdk)
    target_link_libraries(${name} PRIVATE nutpp::sdk)
  else()
    target_link_libraries(${name} PRIVATE nutpp_sdk)
  endif()
  if(ARG_LIBRARIES)
    target_link_libraries(${name} PRIVATE ${ARG_LIBRARIES})
  endif()
  set(_map "${CMAKE_CURRENT_BINARY_DIR}/${name}.exports.map")
  file(WRITE "${_map}" "{ global: nutpp_driver_v1; local: *; };\n")
  target_link_options(${name} PRIVATE "-Wl,--version-script=${_map}" "-Wl,-z,defs")
  if(ARG_OUTPUT_DIRECTORY)
    set_target_properties(${name} PROPERTIES LIBRARY_OUTPUT_DIRECTORY "${ARG_OUTPUT_DIRECTORY}")
  elseif(DEFINED NUTPP_PLUGIN_OUTPUT_DIR)
    set_target_properties(${name} PROPERTIES LIBRARY_OUTPUT_DIRECTORY "${NUTPP_PLUGIN_OUTPUT_DIR}")
  endif()
  if(ARG_INSTALL_DESTINATION)
    install(TARGETS ${name} LIBRARY DESTINATION "${ARG_INSTALL_DESTINATION}")
  elseif(DEFINED NUTPP_PLUGIN_SUBDIR)
    install(TARGETS ${name} LIBRARY DESTINATION "${NUTPP_PLUGIN_SUBDIR}")
  endif()
endfunction()
