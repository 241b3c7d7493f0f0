# gpuopt_add_test(<name> [SOURCES <file>...] [COMMAND <cmd>...] [LABELS <label>...]
#                 [TIMEOUT <s>] [ENVIRONMENT <VAR=value>...])
#
# With SOURCES: builds executable <name> from them, linked with the library, the project's
# internal headers and the feature definitions (GPUOPT_HAVE_*), and runs it (with COMMAND as
# its arguments, if given). Without SOURCES: registers COMMAND as the test.
# Every test counts exit code 77 as "skipped" (e.g. a GPU test on a machine without a device)
# and carries its LABELS (default: unit), so `ctest -L cuda` or `ctest -LE valgrind` select.
function(gpuopt_add_test name)
  cmake_parse_arguments(PARSE_ARGV 1 arg "" "TIMEOUT" "SOURCES;COMMAND;LABELS;ENVIRONMENT")
  if(NOT arg_LABELS)
    set(arg_LABELS unit)
  endif()
  if(arg_SOURCES)
    add_executable(${name} ${arg_SOURCES})
    target_link_libraries(${name} PRIVATE gpuopt m)
    target_include_directories(${name} PRIVATE ${PROJECT_SOURCE_DIR})
    target_compile_definitions(${name} PRIVATE _POSIX_C_SOURCE=200809L ${GPUOPT_FEATURE_DEFINITIONS})
    target_compile_options(${name} PRIVATE $<$<COMPILE_LANGUAGE:C>:-ffp-contract=off>)
    gpuopt_target_warnings(${name})
    add_test(NAME ${name} COMMAND ${name} ${arg_COMMAND})
  elseif(arg_COMMAND)
    add_test(NAME ${name} COMMAND ${arg_COMMAND})
  else()
    message(FATAL_ERROR "gpuopt_add_test(${name}): give SOURCES or COMMAND")
  endif()
  set_tests_properties(${name} PROPERTIES SKIP_RETURN_CODE 77 LABELS "${arg_LABELS}")
  if(arg_TIMEOUT)
    set_tests_properties(${name} PROPERTIES TIMEOUT ${arg_TIMEOUT})
  endif()
  if(arg_ENVIRONMENT)
    set_tests_properties(${name} PROPERTIES ENVIRONMENT "${arg_ENVIRONMENT}")
  endif()
endfunction()

find_program(GPUOPT_VALGRIND valgrind DOC "valgrind, for the memcheck test of the demo")

# gpuopt_add_valgrind_test(<name> <target> [args...]): runs the target under valgrind memcheck
# (label valgrind); reported skipped (exit 77) when valgrind is absent. Not registered in
# sanitizer builds, where valgrind cannot run.
function(gpuopt_add_valgrind_test name target)
  if(GPUOPT_SANITIZE)
    return()
  endif()
  set(valgrind "${GPUOPT_VALGRIND}")
  if(NOT valgrind)
    set(valgrind "")
  endif()
  add_test(NAME ${name}
           COMMAND sh ${PROJECT_SOURCE_DIR}/cmake/valgrind_test.sh "${valgrind}"
                   $<TARGET_FILE:${target}> ${ARGN})
  set_tests_properties(${name} PROPERTIES SKIP_RETURN_CODE 77 LABELS valgrind TIMEOUT 600)
endfunction()
