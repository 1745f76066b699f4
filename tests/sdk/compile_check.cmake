# Compiles one source file with the given compiler and flags and fails (with the compiler's output)
# on any diagnostic turned error. Run by ctest:
#   cmake -DCOMPILER=<cc> -DFLAGS="<space separated>" -DSOURCE=<file> -DOUTPUT=<obj> -P compile_check.cmake
foreach(_var COMPILER FLAGS SOURCE OUTPUT)
  if(NOT DEFINED ${_var})
    message(FATAL_ERROR "compile_check.cmake: -D${_var}=... is required")
  endif()
endforeach()
separate_arguments(_flags UNIX_COMMAND "${FLAGS}")
execute_process(
  COMMAND "${COMPILER}" ${_flags} -c "${SOURCE}" -o "${OUTPUT}"
  RESULT_VARIABLE _rc
  OUTPUT_VARIABLE _out
  ERROR_VARIABLE _out)
if(NOT _rc EQUAL 0)
  message(FATAL_ERROR "FAILED: ${COMPILER} ${FLAGS} -c ${SOURCE}\n${_out}")
endif()
if(NOT _out STREQUAL "")
  # -Werror makes every warning fatal; anything printed anyway (notes) is shown for the record.
  message(STATUS "${_out}")
endif()
message(STATUS "OK: ${COMPILER} ${FLAGS} -c ${SOURCE}")
