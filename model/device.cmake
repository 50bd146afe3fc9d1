# The register-accurate device around the datapath: host memory, register map, receive /
# transmit / exception / flow-command rings, interrupts, counters and ledger (docs/spec.md 7-10).
target_sources(nicsim_model PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/src/device/host_memory.cpp
  ${CMAKE_CURRENT_LIST_DIR}/src/device/nic_device.cpp
  ${CMAKE_CURRENT_LIST_DIR}/src/device/nic_device_datapath.cpp
)
target_link_libraries(nicsim_model PUBLIC nicsim_regs)
