# Configures and builds the clang fuzz project (tests/fuzz) into FUZZ_BINARY_DIR, then prepares
# each target's scratch corpus: corpus/<target>/ (new inputs go here, never into fixtures/) seeded
# with fixtures/fuzz_regressions/<target>/, and artifacts/<target>/ for crash files.
#   cmake -D RIG_SOURCE_DIR=<repo> -D FUZZ_BINARY_DIR=<build>/fuzz -P tests/fuzz/build_fuzzers.cmake
# Run by CTest as the setup fixture of every fuzz test, and by scripts/fuzz.sh.
cmake_minimum_required(VERSION 3.25)
foreach(var RIG_SOURCE_DIR FUZZ_BINARY_DIR)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "build_fuzzers.cmake: -D ${var}=... is required")
  endif()
endforeach()

find_program(rig_clangxx NAMES clang++ clang++-14)
if(NOT rig_clangxx)
  message(FATAL_ERROR "clang++ not found: the fuzz targets need Debian packages clang and libclang-rt-14-dev "
                      "(run scripts/bootstrap.sh --deps)")
endif()
find_program(rig_ninja ninja)
set(generator_args)
if(rig_ninja AND NOT EXISTS ${FUZZ_BINARY_DIR}/CMakeCache.txt)
  set(generator_args -G Ninja)
endif()

execute_process(
  COMMAND ${CMAKE_COMMAND} -S ${RIG_SOURCE_DIR}/tests/fuzz -B ${FUZZ_BINARY_DIR} ${generator_args}
          -DCMAKE_CXX_COMPILER=${rig_clangxx} -DCMAKE_BUILD_TYPE=RelWithDebInfo
  RESULT_VARIABLE configured)
if(NOT configured EQUAL 0)
  message(FATAL_ERROR "configuring tests/fuzz with ${rig_clangxx} failed (see above)")
endif()
execute_process(COMMAND ${CMAKE_COMMAND} --build ${FUZZ_BINARY_DIR} RESULT_VARIABLE built)
if(NOT built EQUAL 0)
  message(FATAL_ERROR "building the fuzz targets failed (see above)")
endif()

file(GLOB sources ${RIG_SOURCE_DIR}/tests/fuzz/fuzz_*.cpp)
foreach(source ${sources})
  get_filename_component(name ${source} NAME_WE)
  string(REGEX REPLACE "^fuzz_" "" target ${name})
  file(MAKE_DIRECTORY ${FUZZ_BINARY_DIR}/corpus/${target} ${FUZZ_BINARY_DIR}/artifacts/${target})
  file(GLOB regressions ${RIG_SOURCE_DIR}/fixtures/fuzz_regressions/${target}/*)
  if(regressions)
    file(COPY ${regressions} DESTINATION ${FUZZ_BINARY_DIR}/corpus/${target})
  endif()
endforeach()
