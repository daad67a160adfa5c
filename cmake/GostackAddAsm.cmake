# gostack_add_asm(): assembles Go-syntax .s files with `gostack asm` into ELF objects linked into a target.
#
#   gostack_add_asm(<target> SOURCES <file.s>...
#                   [PACKAGE <path>]          # -p, default "main" (so ·add is main.add)
#                   [INCLUDE_DIRS <dir>...]   # -I, searched before gostack's textflag.h/funcdata.h
#                   [DEFINES <name[=value]>...]  # -D (GOOS_linux, GOARCH_amd64, GOAMD64_v1 always)
#                   [FLAGS <flag>...])        # any other `gostack asm` flags, e.g. -shared
#
# Each file is assembled in its own directory (as `go build` does, so `#include "x.h"` finds
# headers beside it) into <build dir>/CMakeFiles/<target>.gostack/<name>.o. The command re-runs
# when the .s file, gostack itself, gostack's textflag.h/funcdata.h, or any *.h / *.inc in the
# source's directory or an INCLUDE_DIR changes (that list is made at configure time: re-run
# CMake after adding a header).
# The objects are added to <target>'s sources, which also gets gostack's public headers
# (gostack/abi0_call.h) through gostack::headers.
#
# The gostack command is the GOSTACK_EXECUTABLE variable when set, else the gostack::gostack
# imported target (installed package) or the `gostack` target (gostack's own build tree).

include_guard(GLOBAL)

function(gostack_add_asm target)
  cmake_parse_arguments(PARSE_ARGV 1 GA "" "PACKAGE" "SOURCES;INCLUDE_DIRS;DEFINES;FLAGS")
  if(GA_UNPARSED_ARGUMENTS)
    message(FATAL_ERROR "gostack_add_asm: unknown arguments: ${GA_UNPARSED_ARGUMENTS}")
  endif()
  if(NOT TARGET ${target})
    message(FATAL_ERROR "gostack_add_asm: ${target} is not a target")
  endif()
  if(NOT GA_SOURCES)
    message(FATAL_ERROR "gostack_add_asm: no SOURCES given for ${target}")
  endif()
  if(NOT GA_PACKAGE)
    set(GA_PACKAGE main)
  endif()

  if(GOSTACK_EXECUTABLE)
    set(tool "${GOSTACK_EXECUTABLE}")
    set(tool_dep "${GOSTACK_EXECUTABLE}")
  elseif(TARGET gostack::gostack)
    set(tool "$<TARGET_FILE:gostack::gostack>")
    set(tool_dep "$<TARGET_FILE:gostack::gostack>")
  elseif(TARGET gostack)
    set(tool "$<TARGET_FILE:gostack>")
    set(tool_dep gostack)
  else()
    message(FATAL_ERROR "gostack_add_asm: no gostack command (find_package(gostack CONFIG) first)")
  endif()

  set(args -p "${GA_PACKAGE}" -D GOOS_linux -D GOARCH_amd64 -D GOAMD64_v1)
  # gostack's own textflag.h/funcdata.h: the installed package's, or the source tree's.
  set(include_globs "")
  if(gostack_ASM_INCLUDE_DIR)
    list(APPEND include_globs "${gostack_ASM_INCLUDE_DIR}/*.h")
  endif()
  foreach(dir IN LISTS GA_INCLUDE_DIRS)
    get_filename_component(dir "${dir}" ABSOLUTE BASE_DIR "${CMAKE_CURRENT_SOURCE_DIR}")
    list(APPEND args -I "${dir}")
    list(APPEND include_globs "${dir}/*.h" "${dir}/*.inc")
  endforeach()
  foreach(def IN LISTS GA_DEFINES)
    list(APPEND args -D "${def}")
  endforeach()
  list(APPEND args ${GA_FLAGS})

  set(objdir "${CMAKE_CURRENT_BINARY_DIR}/CMakeFiles/${target}.gostack")
  set(objects "")
  foreach(src IN LISTS GA_SOURCES)
    get_filename_component(src "${src}" ABSOLUTE BASE_DIR "${CMAKE_CURRENT_SOURCE_DIR}")
    get_filename_component(srcdir "${src}" DIRECTORY)
    get_filename_component(name "${src}" NAME_WE)
    set(obj "${objdir}/${name}.o")
    if(obj IN_LIST objects)
      message(FATAL_ERROR "gostack_add_asm: two sources of ${target} are named ${name}.s")
    endif()
    file(GLOB headers "${srcdir}/*.h" "${srcdir}/*.inc" ${include_globs})
    file(RELATIVE_PATH rel "${CMAKE_BINARY_DIR}" "${obj}")
    add_custom_command(
      OUTPUT "${obj}"
      COMMAND "${CMAKE_COMMAND}" -E make_directory "${objdir}"
      COMMAND ${tool} asm ${args} -o "${obj}" "${src}"
      DEPENDS "${src}" ${headers} ${tool_dep}
      WORKING_DIRECTORY "${srcdir}"
      COMMENT "Assembling Go assembly object ${rel}"
      VERBATIM COMMAND_EXPAND_LISTS)
    list(APPEND objects "${obj}")
  endforeach()

  set_source_files_properties(${objects} PROPERTIES EXTERNAL_OBJECT TRUE GENERATED TRUE)
  target_sources(${target} PRIVATE ${objects})
  if(TARGET gostack::headers)
    target_link_libraries(${target} PRIVATE gostack::headers)
  endif()
endfunction()
