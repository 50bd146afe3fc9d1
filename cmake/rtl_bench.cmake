# RTL sources and a helper for per-block Verilator C++ benches (testbenches/rtl_*).
#
# NICSIM_RTL_SOURCES: the generated register and format packages, nic_pkg, the generated
# register file (nic_regfile), then every other module in rtl/.
#
# nicsim_verilate_block(<target> TOP <module> PREFIX <class> [PARAMS NAME=VALUE ...]
#                       [TRACE] [EXTRA_SOURCES file.sv ...])
#   Verilates <module> (as C++, not SystemC) with the given parameters into <target> as the
#   model class <class> (e.g. Vem_table_w64); call it once per parameter set (DATA_W sweeps).
#   Lint warnings are errors here too (-Wall; waivers in rtl/lint_waivers.vlt).
#   EXTRA_SOURCES: bench-only modules (e.g. a wrapper in testbenches/rtl_*), verilated after
#   the rtl/ sources.
set(NICSIM_RTL_DIR ${CMAKE_SOURCE_DIR}/rtl)
file(GLOB _nicsim_rtl_modules CONFIGURE_DEPENDS ${NICSIM_RTL_DIR}/*.sv)
# The packages go first; the committed copies of the generated register package and register
# file are not used by the build (the freshly generated ones are).
list(REMOVE_ITEM _nicsim_rtl_modules ${NICSIM_RTL_DIR}/nic_pkg.sv ${NICSIM_RTL_DIR}/nic_regs_pkg.sv
  ${NICSIM_RTL_DIR}/nic_regfile.sv ${NICSIM_RTL_DIR}/nic_fmt_pkg.sv)
list(SORT _nicsim_rtl_modules)
set(NICSIM_RTL_SOURCES ${NICSIM_REGS_SV} ${NICSIM_FMT_SV} ${NICSIM_RTL_DIR}/nic_pkg.sv
  ${NICSIM_REGS_REGFILE} ${_nicsim_rtl_modules})

function(nicsim_verilate_block target)
  cmake_parse_arguments(A "TRACE" "TOP;PREFIX" "PARAMS;EXTRA_SOURCES" ${ARGN})
  set(_g)
  foreach(_p IN LISTS A_PARAMS)
    list(APPEND _g -G${_p})
  endforeach()
  set(_trace)
  if(A_TRACE)
    set(_trace TRACE_FST)
  endif()
  verilate(${target} ${_trace}
    PREFIX ${A_PREFIX}
    TOP_MODULE ${A_TOP}
    SOURCES ${NICSIM_RTL_DIR}/lint_waivers.vlt ${NICSIM_RTL_SOURCES} ${A_EXTRA_SOURCES}
    VERILATOR_ARGS -Wall ${_g} --no-timing -O3 --x-assign fast --x-initial fast)
  target_include_directories(${target} SYSTEM PRIVATE
    ${CMAKE_CURRENT_BINARY_DIR}/CMakeFiles/${target}.dir/${A_PREFIX}.dir
    ${VERILATOR_ROOT}/include ${VERILATOR_ROOT}/include/vltstd)
  add_dependencies(${target} nicsim_regs_gen)
endfunction()
