# The confinement rule of the firmware, checked (ctest lint.unsafe_modules):
#   cmake -DFIRMWARE=<firmware folder> -P check_unsafe_modules.cmake
# `unsafe_code` is denied at every crate root and forbidden in safe modules; only a module named
# after one of the paper's six trusted kinds may allow it again, so the unsafe inventory (which
# attributes by those names) sees every use where it belongs. Accepted:
#   - `#![allow(unsafe_code)]` in a file whose path has a folder or file stem named after a kind
#     (kernel/src/registers/mmio.rs, kernel/src/cells/map_cell.rs);
#   - `#[allow(unsafe_code)]` on the line before `mod <kind>` (a board's inline
#     `mod exception_handlers`);
#   - the files in `exceptions` below, each with its reason.
# Anything else fails with FILE:LINE. The unsafe blocks themselves (a `// SAFETY:` line each, one
# operation each) are clippy's job (lint.clippy).
cmake_minimum_required(VERSION 3.25)
if(NOT FIRMWARE OR NOT IS_DIRECTORY "${FIRMWARE}")
  message(FATAL_ERROR "usage: cmake -DFIRMWARE=<firmware folder> -P check_unsafe_modules.cmake")
endif()

set(kinds context_switch mmio allocator userspace_buffers exception_handlers cells)
list(JOIN kinds "|" kind_alternatives)
list(JOIN kinds ", " kind_names)
# The C baseline's FFI calls: benchmark-only, outside the kernel, listed apart by the inventory.
set(exceptions baseline_c/src/c_baseline.rs)

file(GLOB_RECURSE sources RELATIVE "${FIRMWARE}" "${FIRMWARE}/*.rs")
set(failures 0)
set(allowed 0)
foreach(file IN LISTS sources)
  if(file MATCHES "(^|/)(target|build|\\.[^/]*)/")
    continue()
  endif()
  file(READ "${FIRMWARE}/${file}" text)
  if(NOT text MATCHES "unsafe_code")
    continue()
  endif()
  # One list element per line: characters CMake's list syntax gives a meaning to are neutralised.
  string(REPLACE "\\" "/" text "${text}")
  string(REPLACE ";" "," text "${text}")
  string(REPLACE "[" "<" text "${text}")
  string(REPLACE "]" ">" text "${text}")
  string(REPLACE "\n" ";" lines "${text}")

  get_filename_component(folder "${file}" DIRECTORY)
  get_filename_component(stem "${file}" NAME_WE)
  string(REPLACE "/" ";" components "${folder}")
  list(APPEND components "${stem}")
  set(file_is_trusted FALSE)
  foreach(component IN LISTS components)
    if(component IN_LIST kinds)
      set(file_is_trusted TRUE)
    endif()
  endforeach()

  set(number 0)
  set(previous_allows FALSE)
  foreach(line IN LISTS lines)
    math(EXPR number "${number} + 1")
    if(previous_allows)
      set(previous_allows FALSE)
      if(NOT line MATCHES "^[ \t]*(pub(\\(crate\\))? )?mod (${kind_alternatives})( |$)")
        message("${file}:${number}: `#[allow(unsafe_code)]` must be followed by `mod <trusted kind>` (${kind_names})")
        math(EXPR failures "${failures} + 1")
      endif()
    endif()
    if(line MATCHES "^[ \t]*#!<(allow|expect)\\(unsafe_code")
      math(EXPR allowed "${allowed} + 1")
      if(NOT file_is_trusted AND NOT file IN_LIST exceptions)
        message("${file}:${number}: unsafe_code allowed in a module not named after a trusted kind (${kind_names}): move the unsafe code into one, or forbid it here")
        math(EXPR failures "${failures} + 1")
      endif()
    elseif(line MATCHES "^[ \t]*#<(allow|expect)\\(unsafe_code")
      math(EXPR allowed "${allowed} + 1")
      set(previous_allows TRUE)
    endif()
  endforeach()
endforeach()

if(failures GREATER 0)
  message(FATAL_ERROR "${failures} unsafe_code allowance(s) outside the trusted kinds")
endif()
message(STATUS "unsafe_code is allowed in ${allowed} places, each in a module named after a trusted kind (or a listed exception)")
