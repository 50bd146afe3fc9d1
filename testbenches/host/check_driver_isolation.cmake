# Fails when a driver or HAL-interface file includes a golden-model (or SystemC/Verilator)
# header. Run by ctest: cmake -DROOT=<source dir> -P check_driver_isolation.cmake
file(GLOB_RECURSE files
     ${ROOT}/host/include/nicsim/host/driver/*.hpp
     ${ROOT}/host/src/driver/*.cpp ${ROOT}/host/src/driver/*.hpp
     ${ROOT}/host/include/nicsim/host/hal/device.hpp)
list(LENGTH files n)
if(n LESS 4)
  message(FATAL_ERROR "driver sources not found under ${ROOT}/host")
endif()
set(bad "")
foreach(f IN LISTS files)
  file(STRINGS ${f} lines REGEX "^[ \t]*#[ \t]*include")
  foreach(l IN LISTS lines)
    if(l MATCHES "nicsim/model/|systemc|verilated|model_device")
      list(APPEND bad "${f}: ${l}")
    endif()
  endforeach()
endforeach()
if(bad)
  message(FATAL_ERROR "the driver includes model/simulator headers:\n${bad}")
endif()
message(STATUS "driver isolation: ${n} files, no model/SystemC/Verilator includes")
