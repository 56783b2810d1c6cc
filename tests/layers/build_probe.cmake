# Builds one layer probe (tests/layers/CMakeLists.txt) and checks the outcome: EXPECTED "builds",
# or "fails" with the compiler saying that HEADER is not there (and not failing for another reason).
execute_process(COMMAND ${CMAKE_COMMAND} --build ${BINARY_DIR} --target ${TARGET}
                RESULT_VARIABLE result OUTPUT_VARIABLE output ERROR_VARIABLE output)
if(EXPECTED STREQUAL "builds")
  if(NOT result EQUAL 0)
    message(FATAL_ERROR "${TARGET}: including ${HEADER} should build but failed:\n${output}")
  endif()
  message(STATUS "${TARGET}: ${HEADER} is visible, as it should be")
else()
  if(result EQUAL 0)
    message(FATAL_ERROR "${TARGET}: including ${HEADER} built, but it goes up a layer and must not")
  endif()
  string(REGEX MATCH "fatal error: ${HEADER}: No such file or directory" missing "${output}")
  if(NOT missing)
    message(FATAL_ERROR "${TARGET}: failed, but not because ${HEADER} is out of sight:\n${output}")
  endif()
  message(STATUS "${TARGET}: ${missing} (an upward include fails to build)")
endif()
