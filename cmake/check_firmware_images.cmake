# Fails, naming the missing image, unless DIR holds an image for every board in BOARDS (comma-
# separated): a tree that reuses another tree's firmware (RIG_FIRMWARE_FROM) must not test without.
string(REPLACE "," ";" BOARDS "${BOARDS}")
foreach(board IN LISTS BOARDS)
  if(NOT EXISTS ${DIR}/${board})
    message(FATAL_ERROR "no firmware image ${DIR}/${board}: build the default preset first "
                        "(cmake --preset default && cmake --build --preset default)")
  endif()
endforeach()
