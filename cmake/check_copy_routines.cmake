# Which copy routine each side of the cell comparison calls, read back from a built image
# (ctest firmware.copy_routines*):
#   cmake -DOBJDUMP=arm-none-eabi-objdump -DNM=arm-none-eabi-nm -DIMAGE=<elf> -P check_copy_routines.cmake
# The Rust-vs-C cell rows are fair only if, wherever a copy is a call, both sides call the same
# routine (firmware/bench/src/cell.rs, "The copies"; README "Rust vs C"). Checked:
#   - cell_c_struct_copy_N (gcc -Os) copies inline for N = 4, 16, 64 and calls `memcpy` twice for
#     256 and 1024;
#   - bench::cell::copy_body::<N> (LLVM, opt-level "s") copies inline for 4 and calls
#     `__aeabi_memcpy` twice from 16;
#   - `memcpy` and `__aeabi_memcpy` are entries into one routine, compiler_builtins' mem::memcpy:
#     each branches only there.
# A compiler upgrade that moves a threshold fails here, naming the function, so the README and the
# paper's wording are revisited rather than silently wrong.
cmake_minimum_required(VERSION 3.25)
foreach(var IN ITEMS OBJDUMP NM IMAGE)
  if(NOT ${var})
    message(FATAL_ERROR "usage: cmake -DOBJDUMP=<objdump> -DNM=<nm> -DIMAGE=<elf> -P check_copy_routines.cmake")
  endif()
endforeach()
if(NOT EXISTS "${IMAGE}")
  message(FATAL_ERROR "${IMAGE} was not built (cmake --build build --target firmware)")
endif()

execute_process(COMMAND ${NM} "${IMAGE}" OUTPUT_VARIABLE symbols RESULT_VARIABLE failed)
if(failed)
  message(FATAL_ERROR "${NM} ${IMAGE} failed")
endif()

# The symbol's disassembly, one list element per instruction line.
function(disassemble symbol out)
  execute_process(COMMAND ${OBJDUMP} -d --no-show-raw-insn "--disassemble=${symbol}" "${IMAGE}"
                  OUTPUT_VARIABLE text RESULT_VARIABLE failed)
  if(failed OR NOT text MATCHES "<${symbol}>:")
    message(FATAL_ERROR "${symbol} is not in ${IMAGE}")
  endif()
  string(REPLACE ";" "," text "${text}")
  string(REPLACE "\n" ";" lines "${text}")
  set(${out} "${lines}" PARENT_SCOPE)
endfunction()

# The targets of the function's `bl` calls, in order (`memcpy`, `__aeabi_memcpy`, …).
function(calls_of symbol out)
  disassemble(${symbol} lines)
  set(targets)
  foreach(line IN LISTS lines)
    if(line MATCHES "\tbl\t[0-9a-f]+ <([^>+]+)>")
      list(APPEND targets ${CMAKE_MATCH_1})
    endif()
  endforeach()
  set(${out} "${targets}" PARENT_SCOPE)
endfunction()

set(failures 0)
function(expect what actual expected)
  if(NOT "${actual}" STREQUAL "${expected}")
    message(SEND_ERROR "${what}: calls [${actual}], expected [${expected}]")
    math(EXPR n "${failures} + 1")
    set(failures ${n} PARENT_SCOPE)
  else()
    if("${actual}" STREQUAL "")
      set(actual "nothing: the copy is inline")
    endif()
    message(STATUS "${what}: ${actual}")
  endif()
endfunction()

# Rust's v0 mangling writes the const parameter in hex: copy_body::<256> is `copy_bodyKj100_E`.
set(sizes 4 16 64 256 1024)
set(hex_sizes 4 10 40 100 400)
set(inline_c 4 16 64)
foreach(size hex IN ZIP_LISTS sizes hex_sizes)
  calls_of(cell_c_struct_copy_${size} c_calls)
  if(size IN_LIST inline_c)
    expect("cell_c/struct_copy/${size} (cell_c_struct_copy_${size})" "${c_calls}" "")
  else()
    expect("cell_c/struct_copy/${size} (cell_c_struct_copy_${size})" "${c_calls}" "memcpy;memcpy")
  endif()
  if(NOT symbols MATCHES "[ \n]([^ \n]*4cell9copy_bodyKj${hex}_E[^ \n]*)")
    message(FATAL_ERROR "bench::cell::copy_body::<${size}> is not in ${IMAGE}")
  endif()
  calls_of(${CMAKE_MATCH_1} rust_calls)
  if(size EQUAL 4)
    expect("cell/copy/${size} (copy_body::<${size}>)" "${rust_calls}" "")
  else()
    expect("cell/copy/${size} (copy_body::<${size}>)" "${rust_calls}" "__aeabi_memcpy;__aeabi_memcpy")
  endif()
endforeach()

# Each entry's only branch goes to compiler_builtins' memcpy, the same routine for both.
set(routines)
foreach(entry IN ITEMS memcpy __aeabi_memcpy)
  disassemble(${entry} lines)
  set(branches)
  foreach(line IN LISTS lines)
    if(line MATCHES "\t(b|b\\.w|bl|bx|blx)\t([0-9a-f]+ <([^>]+)>|[a-z0-9]+)")
      list(APPEND branches "${CMAKE_MATCH_2}")
      set(routine "${CMAKE_MATCH_3}")
    endif()
  endforeach()
  list(LENGTH branches n)
  if(NOT n EQUAL 1 OR NOT routine MATCHES "compiler_builtins3mem6memcpy$")
    message(SEND_ERROR "${entry}: branches to [${branches}], expected one branch to compiler_builtins' mem::memcpy")
    math(EXPR failures "${failures} + 1")
  else()
    message(STATUS "${entry}: enters ${routine}")
    list(APPEND routines "${routine}")
  endif()
endforeach()
list(REMOVE_DUPLICATES routines)
list(LENGTH routines n)
if(NOT n EQUAL 1)
  message(SEND_ERROR "memcpy and __aeabi_memcpy enter different routines: ${routines}")
  math(EXPR failures "${failures} + 1")
endif()

if(failures GREATER 0)
  message(FATAL_ERROR "${failures} copy-routine check(s) failed in ${IMAGE}")
endif()
