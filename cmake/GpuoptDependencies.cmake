# Optional dependencies: one AUTO|ON|OFF option each. For every dependency this sets
#   GPUOPT_ENABLE_<DEP>_ENABLED  ON when it is used by this build
#   GPUOPT_<DEP>_FOUND_TEXT      what was found, for the configure summary
# and, for the GPU backends, GPUOPT_<DEP>_SOURCES (host/<dep>/ sources; empty until written).
include(GpuoptOptions)
include(GpuoptEmbed)

gpuopt_tristate_option(GPUOPT_ENABLE_OPENMP "CPU backend threads through OpenMP")
gpuopt_tristate_option(GPUOPT_ENABLE_CUDA "CUDA backend (needs nvcc, cuBLAS, cuSOLVER, cuRAND, NVRTC)")
gpuopt_tristate_option(GPUOPT_ENABLE_OPENCL "OpenCL backend (needs an OpenCL ICD loader and CLBlast)")
gpuopt_tristate_option(GPUOPT_ENABLE_HDF5 "HDF5 support (needs the HDF5 C library)")
gpuopt_tristate_option(GPUOPT_ENABLE_CAIRO "plots in the CLI's 'log plot' (needs cairo)")

# ------------------------------------------------------------------------------------- OpenMP
set(GPUOPT_OPENMP_FOUND_TEXT "not searched")
if(NOT GPUOPT_ENABLE_OPENMP STREQUAL "OFF")
  find_package(OpenMP QUIET COMPONENTS C)
  if(OpenMP_C_FOUND)
    set(GPUOPT_OPENMP_FOUND_TEXT "found (OpenMP ${OpenMP_C_VERSION}, ${OpenMP_C_FLAGS})")
  else()
    set(GPUOPT_OPENMP_FOUND_TEXT "not found")
  endif()
endif()
gpuopt_resolve_option(GPUOPT_ENABLE_OPENMP "${OpenMP_C_FOUND}" "OpenMP for C"
  "${GPUOPT_OPENMP_FOUND_TEXT}" "Use a compiler with OpenMP (GCC has it)")

# --------------------------------------------------------------------------------------- CUDA
set(GPUOPT_CUDA_FOUND_TEXT "not searched")
set(_gpuopt_cuda_found OFF)
if(NOT GPUOPT_ENABLE_CUDA STREQUAL "OFF")
  include(CheckLanguage)
  check_language(CUDA)
  set(_missing "")
  if(CMAKE_CUDA_COMPILER)
    if(NOT DEFINED CUDAToolkit_ROOT)
      get_filename_component(_nvcc_dir "${CMAKE_CUDA_COMPILER}" DIRECTORY)
      get_filename_component(CUDAToolkit_ROOT "${_nvcc_dir}" DIRECTORY)
    endif()
    find_package(CUDAToolkit QUIET)
    if(NOT CUDAToolkit_FOUND)
      list(APPEND _missing "CUDA toolkit")
    endif()
    foreach(_lib cublas cusolver curand nvrtc cudart_static)
      if(CUDAToolkit_FOUND AND NOT TARGET CUDA::${_lib})
        list(APPEND _missing "${_lib}")
      endif()
    endforeach()
  else()
    list(APPEND _missing "nvcc")
  endif()
  if(_missing)
    list(JOIN _missing ", " _missing)
    set(GPUOPT_CUDA_FOUND_TEXT "not found (missing: ${_missing})")
  else()
    set(_gpuopt_cuda_found ON)
    set(GPUOPT_CUDA_FOUND_TEXT
        "found (CUDA ${CUDAToolkit_VERSION}: nvcc, cuBLAS, cuSOLVER, cuRAND, NVRTC in ${CUDAToolkit_LIBRARY_DIR})")
  endif()
endif()
gpuopt_resolve_option(GPUOPT_ENABLE_CUDA "${_gpuopt_cuda_found}" "CUDA (nvcc, cuBLAS, cuSOLVER, cuRAND, NVRTC)"
  "${GPUOPT_CUDA_FOUND_TEXT}"
  "Install NVIDIA's CUDA toolkit and put nvcc on PATH or set CMAKE_CUDA_COMPILER")

# ------------------------------------------------------------------------------------- OpenCL
set(GPUOPT_OPENCL_FOUND_TEXT "not searched")
set(_gpuopt_opencl_found OFF)
if(NOT GPUOPT_ENABLE_OPENCL STREQUAL "OFF")
  find_package(OpenCL QUIET)
  find_package(CLBlast CONFIG QUIET)
  set(_missing "")
  if(NOT OpenCL_FOUND)
    list(APPEND _missing "OpenCL headers/ICD loader")
  endif()
  if(NOT CLBlast_FOUND OR NOT TARGET clblast)
    list(APPEND _missing "CLBlast")
  endif()
  if(_missing)
    list(JOIN _missing ", " _missing)
    set(GPUOPT_OPENCL_FOUND_TEXT "not found (missing: ${_missing})")
  else()
    set(_gpuopt_opencl_found ON)
    set(GPUOPT_OPENCL_FOUND_TEXT "found (OpenCL ${OpenCL_VERSION_STRING}, CLBlast in ${CLBlast_DIR})")
  endif()
endif()
gpuopt_resolve_option(GPUOPT_ENABLE_OPENCL "${_gpuopt_opencl_found}" "OpenCL with CLBlast"
  "${GPUOPT_OPENCL_FOUND_TEXT}" "Install it (bash scripts/setup.sh installs the Debian packages) or point CMAKE_PREFIX_PATH at it")

# --------------------------------------------------------------------------------------- HDF5
set(GPUOPT_HDF5_FOUND_TEXT "not searched")
if(NOT GPUOPT_ENABLE_HDF5 STREQUAL "OFF")
  find_package(HDF5 QUIET COMPONENTS C)
  if(HDF5_FOUND)
    set(GPUOPT_HDF5_FOUND_TEXT "found (HDF5 ${HDF5_VERSION})")
  else()
    set(GPUOPT_HDF5_FOUND_TEXT "not found")
  endif()
endif()
gpuopt_resolve_option(GPUOPT_ENABLE_HDF5 "${HDF5_FOUND}" "the HDF5 C library"
  "${GPUOPT_HDF5_FOUND_TEXT}" "Install it (bash scripts/setup.sh installs the Debian packages) or point CMAKE_PREFIX_PATH at it")

# ------------------------------------------------------------------------- BLAS and LAPACKE
# Required: CMA-ES's matrix products (cblas_dgemm) and eigendecompositions (LAPACKE_dsyevd) on the
# CPU backend and in the host fallbacks of the other backends. pkg-config first (Debian's
# libopenblas-dev and liblapacke-dev), else FindBLAS/FindLAPACK plus the C headers.
find_package(PkgConfig QUIET)
if(PKG_CONFIG_FOUND)
  pkg_check_modules(GPUOPT_LINALG QUIET openblas lapacke)
endif()
if(GPUOPT_LINALG_FOUND)
  set(GPUOPT_LINALG_LIBS ${GPUOPT_LINALG_LINK_LIBRARIES})
  set(GPUOPT_LINALG_INCLUDES ${GPUOPT_LINALG_INCLUDE_DIRS})
else()
  find_package(BLAS QUIET)
  find_package(LAPACK QUIET)
  find_library(GPUOPT_LAPACKE_LIBRARY lapacke)
  find_path(GPUOPT_CBLAS_INCLUDE cblas.h PATH_SUFFIXES openblas)
  find_path(GPUOPT_LAPACKE_INCLUDE lapacke.h PATH_SUFFIXES openblas)
  if(NOT BLAS_FOUND OR NOT LAPACK_FOUND OR NOT GPUOPT_LAPACKE_LIBRARY OR NOT GPUOPT_CBLAS_INCLUDE
     OR NOT GPUOPT_LAPACKE_INCLUDE)
    message(FATAL_ERROR "gpuopt needs BLAS (with cblas.h) and LAPACKE (lapacke.h): install "
                        "libopenblas-dev and liblapacke-dev (bash scripts/setup.sh), or point "
                        "CMAKE_PREFIX_PATH at them")
  endif()
  set(GPUOPT_LINALG_LIBS ${GPUOPT_LAPACKE_LIBRARY} ${LAPACK_LIBRARIES} ${BLAS_LIBRARIES})
  set(GPUOPT_LINALG_INCLUDES ${GPUOPT_CBLAS_INCLUDE} ${GPUOPT_LAPACKE_INCLUDE})
endif()
# OpenBLAS's own thread pool follows the CPU backend's thread count (host/cpu/cpu_linalg.c).
include(CheckSymbolExists)
set(CMAKE_REQUIRED_INCLUDES ${GPUOPT_LINALG_INCLUDES})
set(CMAKE_REQUIRED_LIBRARIES ${GPUOPT_LINALG_LIBS})
check_symbol_exists(openblas_set_num_threads cblas.h GPUOPT_HAVE_OPENBLAS_THREADS)
unset(CMAKE_REQUIRED_INCLUDES)
unset(CMAKE_REQUIRED_LIBRARIES)

# ----------------------------------------------------------------------------------- L-BFGS-B
# Required: the lbfgsb solver calls the original authors' L-BFGS-B 3.0 through its
# reverse-communication driver setulb_ (Debian's liblbfgsb-dev; Fortran, so a static copy also
# needs libgfortran).
find_library(GPUOPT_LBFGSB_LIBRARY lbfgsb)
if(NOT GPUOPT_LBFGSB_LIBRARY)
  message(FATAL_ERROR "gpuopt needs L-BFGS-B 3.0 (liblbfgsb) for its lbfgsb solver: install "
                      "liblbfgsb-dev (bash scripts/setup.sh), or point CMAKE_PREFIX_PATH at it")
endif()
set(GPUOPT_LBFGSB_LIBS ${GPUOPT_LBFGSB_LIBRARY})
if(GPUOPT_LBFGSB_LIBRARY MATCHES "\\.a$")
  find_library(GPUOPT_GFORTRAN_LIBRARY gfortran REQUIRED)
  list(APPEND GPUOPT_LBFGSB_LIBS ${GPUOPT_GFORTRAN_LIBRARY})
endif()
include(CheckLibraryExists)
check_library_exists("${GPUOPT_LBFGSB_LIBRARY}" setulb_ "" GPUOPT_HAVE_SETULB)
if(NOT GPUOPT_HAVE_SETULB)
  message(FATAL_ERROR "${GPUOPT_LBFGSB_LIBRARY} has no setulb_ (L-BFGS-B 3.0's driver)")
endif()

# ---------------------------------------------------------------------------------------- GSL
# Required: the root finders (src/root/) run GSL's multiroot solvers (Debian's libgsl-dev).
# Linked after OpenBLAS, so that CBLAS calls resolve to OpenBLAS rather than to libgslcblas.
find_package(GSL QUIET)
if(NOT GSL_FOUND)
  message(FATAL_ERROR "gpuopt needs the GNU Scientific Library (GSL) for its root finders: "
                      "install libgsl-dev (bash scripts/setup.sh), or point CMAKE_PREFIX_PATH at it")
endif()

# -------------------------------------------------------------------------------------- cairo
# Only the CLI uses it (gpuopt log plot); target PkgConfig::GPUOPT_CAIRO.
set(GPUOPT_CAIRO_FOUND_TEXT "not searched")
set(_gpuopt_cairo_found OFF)
if(NOT GPUOPT_ENABLE_CAIRO STREQUAL "OFF")
  find_package(PkgConfig QUIET)
  if(PKG_CONFIG_FOUND)
    pkg_check_modules(GPUOPT_CAIRO QUIET IMPORTED_TARGET cairo)
  endif()
  if(GPUOPT_CAIRO_FOUND)
    set(_gpuopt_cairo_found ON)
    set(GPUOPT_CAIRO_FOUND_TEXT "found (cairo ${GPUOPT_CAIRO_VERSION})")
  else()
    set(GPUOPT_CAIRO_FOUND_TEXT "not found")
  endif()
endif()
gpuopt_resolve_option(GPUOPT_ENABLE_CAIRO "${_gpuopt_cairo_found}" "cairo"
  "${GPUOPT_CAIRO_FOUND_TEXT}" "Install it (bash scripts/setup.sh installs the Debian packages) or point PKG_CONFIG_PATH at it")

# ----------------------------------------------------------------------------- backend sources
file(GLOB GPUOPT_CUDA_SOURCES CONFIGURE_DEPENDS
     ${PROJECT_SOURCE_DIR}/host/cuda/*.c ${PROJECT_SOURCE_DIR}/host/cuda/*.cu)
file(GLOB GPUOPT_OPENCL_SOURCES CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/host/opencl/*.c)
set(GPUOPT_CUDA_BUILT OFF)
set(GPUOPT_OPENCL_BUILT OFF)
if(GPUOPT_ENABLE_CUDA_ENABLED AND GPUOPT_CUDA_SOURCES)
  set(GPUOPT_CUDA_BUILT ON)
  set(CMAKE_CUDA_ARCHITECTURES "90-real;90-virtual" CACHE STRING "CUDA architectures to build for")
  set(CMAKE_CUDA_STANDARD 17)
  set(CMAKE_CUDA_STANDARD_REQUIRED ON)
  enable_language(CUDA)
endif()
if(GPUOPT_ENABLE_OPENCL_ENABLED AND GPUOPT_OPENCL_SOURCES)
  set(GPUOPT_OPENCL_BUILT ON)
endif()

# Run history (HDF5 logs, checkpoints): src/history/ with HDF5, else the functions that say
# the build has no HDF5.
if(GPUOPT_ENABLE_HDF5_ENABLED)
  file(GLOB GPUOPT_HISTORY_SOURCES CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/src/history/*.c)
else()
  file(GLOB GPUOPT_HISTORY_SOURCES CONFIGURE_DEPENDS
       ${PROJECT_SOURCE_DIR}/src/history/without_hdf5/*.c)
endif()

# Compile definitions describing the build, for the library and for code that reads its
# internal headers (tests, CLI): GPUOPT_HAVE_<X> is defined when <X> is compiled in.
set(GPUOPT_FEATURE_DEFINITIONS "")
if(GPUOPT_CUDA_BUILT)
  list(APPEND GPUOPT_FEATURE_DEFINITIONS GPUOPT_HAVE_CUDA)
endif()
if(GPUOPT_OPENCL_BUILT)
  list(APPEND GPUOPT_FEATURE_DEFINITIONS GPUOPT_HAVE_OPENCL)
endif()
if(GPUOPT_ENABLE_HDF5_ENABLED)
  list(APPEND GPUOPT_FEATURE_DEFINITIONS GPUOPT_HAVE_HDF5)
endif()
if(GPUOPT_ENABLE_OPENMP_ENABLED)
  list(APPEND GPUOPT_FEATURE_DEFINITIONS GPUOPT_HAVE_OPENMP)
endif()

# gpuopt_link_dependencies(<target>): sources and private links of the enabled dependencies.
function(gpuopt_link_dependencies target)
  target_link_libraries(${target} PRIVATE m)
  target_include_directories(${target} SYSTEM PRIVATE ${GPUOPT_LINALG_INCLUDES})
  target_link_libraries(${target} PRIVATE ${GPUOPT_LBFGSB_LIBS} ${GPUOPT_LINALG_LIBS} GSL::gsl)
  if(GPUOPT_HAVE_OPENBLAS_THREADS)
    target_compile_definitions(${target} PRIVATE GPUOPT_HAVE_OPENBLAS_THREADS)
  endif()
  if(GPUOPT_ENABLE_OPENMP_ENABLED)
    target_link_libraries(${target} PRIVATE OpenMP::OpenMP_C)
  endif()
  if(GPUOPT_CUDA_BUILT)
    target_sources(${target} PRIVATE ${GPUOPT_CUDA_SOURCES})
    # cuBLAS and cuSOLVER are loaded with dlopen on first use (host/cuda/cuda_libs.c): linked,
    # their load-time initializers and ~800 MB of mappings would weigh on every program.
    target_link_libraries(${target} PRIVATE CUDA::cudart_static CUDA::curand CUDA::nvrtc
                                            ${CMAKE_DL_LIBS} Threads::Threads)
    target_compile_definitions(${target} PRIVATE
                               "GPUOPT_CUDA_LIBRARY_DIR=\"${CUDAToolkit_LIBRARY_DIR}\"")
    target_compile_options(${target} PRIVATE $<$<COMPILE_LANGUAGE:CUDA>:--fmad=false>)
  endif()
  if(GPUOPT_OPENCL_BUILT)
    target_sources(${target} PRIVATE ${GPUOPT_OPENCL_SOURCES})
    gpuopt_embed_kernels(${target} gpuopt_opencl_program_source ${PROJECT_SOURCE_DIR}/kernels/entry.h)
    target_link_libraries(${target} PRIVATE OpenCL::OpenCL clblast)
  endif()
  target_sources(${target} PRIVATE ${GPUOPT_HISTORY_SOURCES})
  if(GPUOPT_ENABLE_HDF5_ENABLED)
    if(TARGET hdf5::hdf5)
      target_link_libraries(${target} PRIVATE hdf5::hdf5)
    else()
      target_include_directories(${target} SYSTEM PRIVATE ${HDF5_C_INCLUDE_DIRS})
      target_compile_definitions(${target} PRIVATE ${HDF5_C_DEFINITIONS})
      target_link_libraries(${target} PRIVATE ${HDF5_C_LIBRARIES})
    endif()
  endif()
  target_compile_definitions(${target} PRIVATE ${GPUOPT_FEATURE_DEFINITIONS})
endfunction()
