# Tri-state options for optional dependencies: AUTO (on when found), ON (error when not found), OFF.

# gpuopt_tristate_option(<var> <doc>): declares the cache entry and normalizes it to AUTO|ON|OFF.
function(gpuopt_tristate_option var doc)
  set(${var} AUTO CACHE STRING "${doc} (AUTO|ON|OFF)")
  set_property(CACHE ${var} PROPERTY STRINGS AUTO ON OFF)
  string(TOUPPER "${${var}}" value)
  if(value STREQUAL "AUTO")
    set(value AUTO)
  elseif(value)
    set(value ON)
  else()
    set(value OFF)
  endif()
  set(${var} ${value} PARENT_SCOPE)
endfunction()

# gpuopt_resolve_option(<var> <found> <what>): sets <var>_ENABLED to whether the dependency is
# used, and fails the configure step when it was requested ON but not found.
function(gpuopt_resolve_option var found what)
  if(${var} STREQUAL "OFF")
    set(${var}_ENABLED OFF PARENT_SCOPE)
  elseif(found)
    set(${var}_ENABLED ON PARENT_SCOPE)
  elseif(${var} STREQUAL "ON")
    message(FATAL_ERROR "${var}=ON but ${what} was not found. Install it (bash scripts/setup.sh "
                        "installs the Debian packages), point CMAKE_PREFIX_PATH at it, or "
                        "configure with -D${var}=AUTO or OFF.")
  else()
    set(${var}_ENABLED OFF PARENT_SCOPE)
  endif()
endfunction()
