# `cmake --install`: the gostack command, the libraries with their headers, the standard
# textflag.h/funcdata.h, a CMake package (find_package(gostack CONFIG)) and gostack.pc.
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

# The driver finds textflag.h at <its dir>/../share/gostack/include (src/driver/asm_command.cpp),
# so this path is fixed relative to the binary, not to CMAKE_INSTALL_DATADIR.
set(GOSTACK_ASM_INCLUDE_INSTALL_DIR share/gostack/include)
set(GOSTACK_CMAKE_INSTALL_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/gostack)
# The libraries' own headers keep their stage-relative paths ("asm/assembler.h") under here.
set(GOSTACK_LIB_INCLUDE_INSTALL_DIR ${CMAKE_INSTALL_INCLUDEDIR}/gostack/lib)

set_target_properties(gostack_asm PROPERTIES EXPORT_NAME asm)
set_target_properties(gostack_runtime PROPERTIES EXPORT_NAME runtime)
set_target_properties(gostack_headers PROPERTIES EXPORT_NAME headers)
target_include_directories(gostack_headers INTERFACE
  $<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}>)
foreach(lib gostack_asm gostack_runtime)
  target_include_directories(${lib} PUBLIC
    $<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}>
    $<INSTALL_INTERFACE:${GOSTACK_LIB_INCLUDE_INSTALL_DIR}>)
endforeach()

install(TARGETS gostack EXPORT gostackTargets RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(TARGETS gostack_asm gostack_runtime gostack_headers EXPORT gostackTargets
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR})
install(DIRECTORY include/gostack/ DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/gostack)
install(DIRECTORY include/goasm/ DESTINATION ${GOSTACK_ASM_INCLUDE_INSTALL_DIR})
# Every library stage's headers (not the driver's, which belong to the command).
install(DIRECTORY src/ DESTINATION ${GOSTACK_LIB_INCLUDE_INSTALL_DIR}
  FILES_MATCHING PATTERN "*.h" PATTERN "*.def" PATTERN "driver" EXCLUDE)

install(EXPORT gostackTargets NAMESPACE gostack:: DESTINATION ${GOSTACK_CMAKE_INSTALL_DIR})
configure_package_config_file(cmake/gostackConfig.cmake.in
  ${CMAKE_CURRENT_BINARY_DIR}/gostackConfig.cmake
  INSTALL_DESTINATION ${GOSTACK_CMAKE_INSTALL_DIR}
  PATH_VARS CMAKE_INSTALL_INCLUDEDIR GOSTACK_ASM_INCLUDE_INSTALL_DIR)
write_basic_package_version_file(${CMAKE_CURRENT_BINARY_DIR}/gostackConfigVersion.cmake
  COMPATIBILITY SameMinorVersion)
install(FILES
  ${CMAKE_CURRENT_BINARY_DIR}/gostackConfig.cmake
  ${CMAKE_CURRENT_BINARY_DIR}/gostackConfigVersion.cmake
  cmake/GostackAddAsm.cmake
  DESTINATION ${GOSTACK_CMAKE_INSTALL_DIR})

file(RELATIVE_PATH GOSTACK_PC_TO_PREFIX
  /prefix/${CMAKE_INSTALL_LIBDIR}/pkgconfig /prefix)
string(REGEX REPLACE "/$" "" GOSTACK_PC_TO_PREFIX "${GOSTACK_PC_TO_PREFIX}")
configure_file(cmake/gostack.pc.in ${CMAKE_CURRENT_BINARY_DIR}/gostack.pc @ONLY)
install(FILES ${CMAKE_CURRENT_BINARY_DIR}/gostack.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
