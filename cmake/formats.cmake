# The formats: rtl/formats.yaml is the single source of the descriptors, completions,
# flow-command slots, action record, encap template, flow and TCAM keys and their enums;
# scripts/regs/gen_formats.py generates, in ${CMAKE_BINARY_DIR}/generated:
#   rtl/nic_fmt_pkg.sv                   SystemVerilog package nic_fmt_pkg (NICSIM_FMT_SV)
#   include/nicsim/regs/nic_formats.hpp  C++ header, namespace nicsim::fmt (target nicsim_regs)
#   docs/formats.md                      the documentation
# The committed copies rtl/nic_fmt_pkg.sv (so rtl/ stands alone) and docs/formats.md are
# checked by the tests fmt_sv_up_to_date and fmt_doc_up_to_date; `regs-doc` refreshes them
# with the register map's.

set(NICSIM_FMT_YAML ${CMAKE_CURRENT_LIST_DIR}/../rtl/formats.yaml)
set(NICSIM_FMT_GENERATOR ${CMAKE_CURRENT_LIST_DIR}/../scripts/regs/gen_formats.py)
set(NICSIM_FMT_SV_COMMITTED ${CMAKE_CURRENT_LIST_DIR}/../rtl/nic_fmt_pkg.sv)
set(NICSIM_FMT_DOC ${CMAKE_CURRENT_LIST_DIR}/../docs/formats.md)
foreach(_v NICSIM_FMT_YAML NICSIM_FMT_GENERATOR NICSIM_FMT_SV_COMMITTED NICSIM_FMT_DOC)
  cmake_path(ABSOLUTE_PATH ${_v} NORMALIZE)
endforeach()

set(_fmt_gen_dir ${CMAKE_BINARY_DIR}/generated)
set(NICSIM_FMT_SV ${_fmt_gen_dir}/rtl/nic_fmt_pkg.sv)
set(NICSIM_FMT_HPP ${_fmt_gen_dir}/include/nicsim/regs/nic_formats.hpp)
set(NICSIM_FMT_MD ${_fmt_gen_dir}/docs/formats.md)

# Generated at configure time too (verilate() runs Verilator while configuring).
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${NICSIM_FMT_YAML}
  ${NICSIM_FMT_GENERATOR} ${NICSIM_REGS_GENERATOR})
execute_process(COMMAND ${Python3_EXECUTABLE} ${NICSIM_FMT_GENERATOR} ${NICSIM_FMT_YAML}
    --sv ${NICSIM_FMT_SV} --hpp ${NICSIM_FMT_HPP} --md ${NICSIM_FMT_MD}
  RESULT_VARIABLE _fmt_rc)
if(NOT _fmt_rc EQUAL 0)
  message(FATAL_ERROR "rtl/formats.yaml does not pass the format generator (see above)")
endif()

add_custom_command(
  OUTPUT ${NICSIM_FMT_SV} ${NICSIM_FMT_HPP} ${NICSIM_FMT_MD}
  COMMAND ${Python3_EXECUTABLE} ${NICSIM_FMT_GENERATOR} ${NICSIM_FMT_YAML}
    --sv ${NICSIM_FMT_SV} --hpp ${NICSIM_FMT_HPP} --md ${NICSIM_FMT_MD}
  COMMAND ${CMAKE_COMMAND} -E touch ${NICSIM_FMT_SV} ${NICSIM_FMT_HPP} ${NICSIM_FMT_MD}
  DEPENDS ${NICSIM_FMT_YAML} ${NICSIM_FMT_GENERATOR} ${NICSIM_REGS_GENERATOR}
  COMMENT "Generating the formats from rtl/formats.yaml"
  VERBATIM)
add_custom_target(nicsim_fmt_gen DEPENDS ${NICSIM_FMT_SV} ${NICSIM_FMT_HPP} ${NICSIM_FMT_MD})
# rtl/sources.f names nic_fmt_pkg.sv as generated: the RTL builds read ${NICSIM_FMT_SV}
# (cmake/rtl_bench.cmake) and depend on its generation.
list(APPEND NICSIM_RTL_GEN_TARGETS nicsim_fmt_gen)
# nicsim_regs (the register map's header-only target) carries nicsim/regs/nic_formats.hpp too.
add_dependencies(nicsim_regs nicsim_fmt_gen)

add_custom_target(formats-doc
  COMMAND ${CMAKE_COMMAND} -E copy_if_different ${NICSIM_FMT_MD} ${NICSIM_FMT_DOC}
  COMMAND ${CMAKE_COMMAND} -E copy_if_different ${NICSIM_FMT_SV} ${NICSIM_FMT_SV_COMMITTED}
  DEPENDS ${NICSIM_FMT_MD} ${NICSIM_FMT_SV}
  COMMENT "Copying the generated formats.md and nic_fmt_pkg.sv to docs/ and rtl/"
  VERBATIM)
add_dependencies(regs-doc formats-doc)
