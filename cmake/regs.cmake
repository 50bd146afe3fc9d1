# The register map: rtl/regs.yaml is the single source; scripts/regs/gen_regs.py generates, in
# ${CMAKE_BINARY_DIR}/generated:
#   rtl/nic_regs_pkg.sv              SystemVerilog package nic_regs_pkg (NICSIM_REGS_SV)
#   include/nicsim/regs/nic_regs.hpp C++ header, namespace nicsim::regs (target nicsim_regs)
#   rtl/nic_regfile.sv               the register file of the whole map, module nic_regfile
#                                    (NICSIM_REGS_REGFILE)
#   bench/nic_regfile_ports.hpp      C++ table of nic_regfile's registers and ports, for
#                                    Verilated benches (NICSIM_REGS_REGFILE_CPP)
#   docs/registers.md                the documentation; `regs-doc` copies it to docs/registers.md
# Nothing generated is edited by hand or committed, except docs/registers.md,
# rtl/nic_regs_pkg.sv and rtl/nic_regfile.sv (so rtl/ stands alone), whose freshness the tests
# regs_doc_up_to_date, regs_sv_up_to_date and regs_regfile_up_to_date check; `regs-doc`
# refreshes all three.

find_package(Python3 REQUIRED COMPONENTS Interpreter)
execute_process(COMMAND ${Python3_EXECUTABLE} -c "import yaml"
  RESULT_VARIABLE _regs_yaml_rc OUTPUT_QUIET ERROR_QUIET)
if(NOT _regs_yaml_rc EQUAL 0)
  message(FATAL_ERROR "The register-map generator needs PyYAML for ${Python3_EXECUTABLE}: "
    "install it (Debian/Ubuntu: apt install python3-yaml; pip: pip install pyyaml).")
endif()

set(NICSIM_REGS_YAML ${CMAKE_CURRENT_LIST_DIR}/../rtl/regs.yaml)
cmake_path(ABSOLUTE_PATH NICSIM_REGS_YAML NORMALIZE)
set(NICSIM_REGS_GENERATOR ${CMAKE_CURRENT_LIST_DIR}/../scripts/regs/gen_regs.py)
cmake_path(ABSOLUTE_PATH NICSIM_REGS_GENERATOR NORMALIZE)
set(NICSIM_REGS_DOC ${CMAKE_CURRENT_LIST_DIR}/../docs/registers.md)
# The committed copy of the package, so rtl/ stands alone for FPGA flows and plain
# `verilator --lint-only -F rtl/sources.f`; the build itself uses the generated one.
set(NICSIM_REGS_SV_COMMITTED ${CMAKE_CURRENT_LIST_DIR}/../rtl/nic_regs_pkg.sv)
set(NICSIM_REGS_REGFILE_COMMITTED ${CMAKE_CURRENT_LIST_DIR}/../rtl/nic_regfile.sv)
cmake_path(ABSOLUTE_PATH NICSIM_REGS_SV_COMMITTED NORMALIZE)
cmake_path(ABSOLUTE_PATH NICSIM_REGS_REGFILE_COMMITTED NORMALIZE)
cmake_path(ABSOLUTE_PATH NICSIM_REGS_DOC NORMALIZE)

set(_regs_gen_dir ${CMAKE_BINARY_DIR}/generated)
set(NICSIM_REGS_SV ${_regs_gen_dir}/rtl/nic_regs_pkg.sv)
set(NICSIM_REGS_HPP ${_regs_gen_dir}/include/nicsim/regs/nic_regs.hpp)
set(NICSIM_REGS_REGFILE ${_regs_gen_dir}/rtl/nic_regfile.sv)
set(NICSIM_REGS_REGFILE_CPP ${_regs_gen_dir}/bench/nic_regfile_ports.hpp)
set(NICSIM_REGS_MD ${_regs_gen_dir}/docs/registers.md)

# Generate once at configure time too: verilate() runs Verilator while configuring, so the
# package must exist then. A change to the YAML or the generator reruns the configure step
# (CMAKE_CONFIGURE_DEPENDS) and the custom command below.
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${NICSIM_REGS_YAML}
  ${NICSIM_REGS_GENERATOR})
execute_process(COMMAND ${Python3_EXECUTABLE} ${NICSIM_REGS_GENERATOR} ${NICSIM_REGS_YAML}
    --sv ${NICSIM_REGS_SV} --hpp ${NICSIM_REGS_HPP} --md ${NICSIM_REGS_MD}
    --regfile ${NICSIM_REGS_REGFILE} --regfile-cpp ${NICSIM_REGS_REGFILE_CPP}
  RESULT_VARIABLE _regs_rc)
if(NOT _regs_rc EQUAL 0)
  message(FATAL_ERROR "rtl/regs.yaml does not pass the register-map generator (see above)")
endif()

add_custom_command(
  OUTPUT ${NICSIM_REGS_SV} ${NICSIM_REGS_HPP} ${NICSIM_REGS_MD} ${NICSIM_REGS_REGFILE}
    ${NICSIM_REGS_REGFILE_CPP}
  COMMAND ${Python3_EXECUTABLE} ${NICSIM_REGS_GENERATOR} ${NICSIM_REGS_YAML}
    --sv ${NICSIM_REGS_SV} --hpp ${NICSIM_REGS_HPP} --md ${NICSIM_REGS_MD}
    --regfile ${NICSIM_REGS_REGFILE} --regfile-cpp ${NICSIM_REGS_REGFILE_CPP}
  # The generator leaves unchanged outputs alone; touch them so the rule is not rerun.
  COMMAND ${CMAKE_COMMAND} -E touch ${NICSIM_REGS_SV} ${NICSIM_REGS_HPP} ${NICSIM_REGS_MD}
    ${NICSIM_REGS_REGFILE} ${NICSIM_REGS_REGFILE_CPP}
  DEPENDS ${NICSIM_REGS_YAML} ${NICSIM_REGS_GENERATOR}
  COMMENT "Generating the register map from rtl/regs.yaml"
  VERBATIM)
add_custom_target(nicsim_regs_gen DEPENDS ${NICSIM_REGS_SV} ${NICSIM_REGS_HPP}
  ${NICSIM_REGS_MD} ${NICSIM_REGS_REGFILE} ${NICSIM_REGS_REGFILE_CPP})

# Header-only C++ register map: link it to get nicsim/regs/nic_regs.hpp.
add_library(nicsim_regs INTERFACE)
target_include_directories(nicsim_regs INTERFACE ${_regs_gen_dir}/include)
add_dependencies(nicsim_regs nicsim_regs_gen)

# Refresh the committed copies: cmake --build build --target regs-doc
add_custom_target(regs-doc
  COMMAND ${CMAKE_COMMAND} -E copy_if_different ${NICSIM_REGS_MD} ${NICSIM_REGS_DOC}
  COMMAND ${CMAKE_COMMAND} -E copy_if_different ${NICSIM_REGS_SV} ${NICSIM_REGS_SV_COMMITTED}
  COMMAND ${CMAKE_COMMAND} -E copy_if_different ${NICSIM_REGS_REGFILE}
    ${NICSIM_REGS_REGFILE_COMMITTED}
  DEPENDS ${NICSIM_REGS_MD} ${NICSIM_REGS_SV} ${NICSIM_REGS_REGFILE}
  COMMENT "Copying the generated registers.md, nic_regs_pkg.sv and nic_regfile.sv to docs/ and rtl/"
  VERBATIM)
