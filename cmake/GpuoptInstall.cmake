# Install rules: headers, library, CLI, the CMake package (find_package(gpuopt), targets in the
# gpuopt:: namespace) and a pkg-config file. Both package files are relocatable: the install
# prefix can be chosen at install time (cmake --install build --prefix DIR).
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

set(GPUOPT_CMAKE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/gpuopt)

install(TARGETS gpuopt EXPORT gpuoptTargets
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT runtime NAMELINK_COMPONENT development
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT development
  RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR} COMPONENT runtime
  FILE_SET HEADERS DESTINATION ${CMAKE_INSTALL_INCLUDEDIR} COMPONENT development)
# The CLI (target gpuopt_cli) is installed to bin/ by cli/CMakeLists.txt.

# A static library carries its private dependencies: its package must find them again.
# The required ones: L-BFGS-B, BLAS/LAPACKE (as found), GSL.
set(GPUOPT_CONFIG_DEPENDENCIES "  find_dependency(GSL)\n")
# (absolute library paths as found: linkers take them as they are)
list(JOIN GPUOPT_LBFGSB_LIBS " " _lbfgsb_libs)
list(JOIN GPUOPT_LINALG_LIBS " " _linalg_libs)
set(GPUOPT_PC_LIBS_PRIVATE "${_lbfgsb_libs} ${_linalg_libs} -lgsl -lgslcblas -lm")
if(GPUOPT_ENABLE_OPENMP_ENABLED)
  string(APPEND GPUOPT_CONFIG_DEPENDENCIES "  find_dependency(OpenMP COMPONENTS C)\n")
  string(APPEND GPUOPT_PC_LIBS_PRIVATE " ${OpenMP_C_FLAGS}")
endif()
if(GPUOPT_CUDA_BUILT)
  string(APPEND GPUOPT_CONFIG_DEPENDENCIES "  find_dependency(CUDAToolkit)\n")
  string(APPEND GPUOPT_PC_LIBS_PRIVATE
         " -L${CUDAToolkit_LIBRARY_DIR} -lcurand -lnvrtc -lcudart_static -ldl -lrt -lpthread")
  # cuBLAS and cuSOLVER are loaded at run time (dlopen), never linked.
endif()
if(GPUOPT_OPENCL_BUILT)
  string(APPEND GPUOPT_CONFIG_DEPENDENCIES "  find_dependency(OpenCL)\n  find_dependency(CLBlast CONFIG)\n")
  string(APPEND GPUOPT_PC_LIBS_PRIVATE " -lclblast -lOpenCL")
endif()
if(GPUOPT_ENABLE_HDF5_ENABLED)
  string(APPEND GPUOPT_CONFIG_DEPENDENCIES "  find_dependency(HDF5 COMPONENTS C)\n")
  list(JOIN HDF5_C_LIBRARIES " " _hdf5_libs)
  string(APPEND GPUOPT_PC_LIBS_PRIVATE " ${_hdf5_libs}")
endif()
set(GPUOPT_BACKENDS cpu)
if(GPUOPT_CUDA_BUILT)
  list(APPEND GPUOPT_BACKENDS cuda)
endif()
if(GPUOPT_OPENCL_BUILT)
  list(APPEND GPUOPT_BACKENDS opencl)
endif()

configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/gpuoptConfig.cmake.in
  ${PROJECT_BINARY_DIR}/gpuoptConfig.cmake INSTALL_DESTINATION ${GPUOPT_CMAKE_DIR})
write_basic_package_version_file(${PROJECT_BINARY_DIR}/gpuoptConfigVersion.cmake
  VERSION ${PROJECT_VERSION} COMPATIBILITY SameMinorVersion)
install(EXPORT gpuoptTargets NAMESPACE gpuopt:: DESTINATION ${GPUOPT_CMAKE_DIR}
        COMPONENT development)
install(FILES ${PROJECT_BINARY_DIR}/gpuoptConfig.cmake ${PROJECT_BINARY_DIR}/gpuoptConfigVersion.cmake
        DESTINATION ${GPUOPT_CMAKE_DIR} COMPONENT development)
# The build tree is a package too: -Dgpuopt_DIR=<build dir> uses it without installing.
export(EXPORT gpuoptTargets NAMESPACE gpuopt:: FILE ${PROJECT_BINARY_DIR}/gpuoptTargets.cmake)

# pkg-config: the prefix is found from the .pc file's own location.
set(GPUOPT_PC_DIR ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
file(RELATIVE_PATH GPUOPT_PC_TO_PREFIX /prefix/${GPUOPT_PC_DIR} /prefix)
string(REGEX REPLACE "/$" "" GPUOPT_PC_TO_PREFIX "${GPUOPT_PC_TO_PREFIX}")
set(GPUOPT_PC_LIBS_PUBLIC "")
if(NOT BUILD_SHARED_LIBS)
  set(GPUOPT_PC_LIBS_PUBLIC "${GPUOPT_PC_LIBS_PRIVATE}")
endif()
configure_file(${PROJECT_SOURCE_DIR}/cmake/gpuopt.pc.in ${PROJECT_BINARY_DIR}/gpuopt.pc @ONLY)
install(FILES ${PROJECT_BINARY_DIR}/gpuopt.pc DESTINATION ${GPUOPT_PC_DIR} COMPONENT development)
