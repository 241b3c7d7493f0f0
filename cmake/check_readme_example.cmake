# cmake -DREADME=<README.md> -DEXAMPLE=<examples/readme_example.c> -P check_readme_example.cmake
# Fails unless the first ```c block of the README is exactly the example's source.
file(READ "${README}" readme)
file(READ "${EXAMPLE}" example)
string(FIND "${readme}" "\n```c\n" begin)
if(begin EQUAL -1)
  message(FATAL_ERROR "${README} has no ```c block")
endif()
math(EXPR begin "${begin} + 6")
string(SUBSTRING "${readme}" ${begin} -1 rest)
string(FIND "${rest}" "\n```\n" end)
math(EXPR end "${end} + 1")
string(SUBSTRING "${rest}" 0 ${end} block)
if(NOT block STREQUAL example)
  file(WRITE "${CMAKE_CURRENT_BINARY_DIR}/readme_block.c" "${block}")
  message(FATAL_ERROR "The C example in ${README} differs from ${EXAMPLE}; "
                      "compare with ${CMAKE_CURRENT_BINARY_DIR}/readme_block.c")
endif()
message(STATUS "README example matches ${EXAMPLE}")
