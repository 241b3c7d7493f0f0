# Tri-state options for optional dependencies: AUTO (on when found), ON (error when not found), OFF.

# gpuopt_tristate_option(<var> <doc>): declares the cache entry and normalizes it to AUTO|ON|OFF.
function(gpuopt_tristate_option var doc)
  set(${var} AUTO CACHE STRING "${doc} (AUTO|ON|OFF)")
  set_property(CACHE ${var} PROPERTY STRINGS AUTO ON OFF)
  string(TOUPPER "${${var}}" value)
  if(value MATCHES "^(ON|YES|TRUE|Y|1)$")
    set(value ON)
  elseif(value MATCHES "^(OFF|NO|FALSE|N|0)$")
    set(value OFF)
  elseif(NOT value STREQUAL "AUTO")
    message(FATAL_ERROR "${var}=${${var}}: the value must be AUTO, ON or OFF")
  endif()
  set(${var} ${value} PARENT_SCOPE)
endfunction()

# gpuopt_resolve_option(<var> <found> <what> <details> <hint>): sets <var>_ENABLED to whether
# the dependency is used, and fails the configure step when it was requested ON but not found.
function(gpuopt_resolve_option var found what details hint)
  if(${var} STREQUAL "OFF")
    set(${var}_ENABLED OFF PARENT_SCOPE)
  elseif(found)
    set(${var}_ENABLED ON PARENT_SCOPE)
  elseif(${var} STREQUAL "ON")
    message(FATAL_ERROR "${var}=ON but ${what} was ${details}. ${hint}, "
                        "or configure with -D${var}=AUTO or OFF.")
  else()
    set(${var}_ENABLED OFF PARENT_SCOPE)
  endif()
endfunction()
