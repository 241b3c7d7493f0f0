# Warnings and sanitizers shared by every C target of the project.

option(GPUOPT_WARNINGS_AS_ERRORS "Treat compiler warnings as errors" OFF)
set(GPUOPT_SANITIZE "" CACHE STRING
    "Sanitizers for every target, as -fsanitize= takes them (e.g. address,undefined); empty: none")

if(GPUOPT_SANITIZE)
  add_compile_options($<$<COMPILE_LANGUAGE:C>:-fsanitize=${GPUOPT_SANITIZE}>
                      $<$<COMPILE_LANGUAGE:C>:-fno-omit-frame-pointer>
                      $<$<COMPILE_LANGUAGE:C>:-fno-sanitize-recover=all>)
  add_link_options(-fsanitize=${GPUOPT_SANITIZE})
endif()

# gpuopt_target_warnings(<target>): -Wall -Wextra on C sources, -Werror when
# GPUOPT_WARNINGS_AS_ERRORS is ON.
function(gpuopt_target_warnings target)
  target_compile_options(${target} PRIVATE
    $<$<COMPILE_LANGUAGE:C>:-Wall>
    $<$<COMPILE_LANGUAGE:C>:-Wextra>
    $<$<AND:$<COMPILE_LANGUAGE:C>,$<BOOL:${GPUOPT_WARNINGS_AS_ERRORS}>>:-Werror>)
endfunction()
