# ctest regs_*_up_to_date, fmt_*_up_to_date: regenerate one output of rtl/regs.yaml or
# rtl/formats.yaml (GENERATOR gen_regs.py or gen_formats.py)
# (KIND md: docs/registers.md; KIND sv: rtl/nic_regs_pkg.sv; KIND regfile: rtl/nic_regfile.sv)
# into OUT and compare it with the
# committed copy.
# cmake -DPYTHON= -DGENERATOR= -DYAML= -DKIND=md|sv|regfile -DCOMMITTED= -DOUT= -P check_doc.cmake
execute_process(COMMAND ${PYTHON} ${GENERATOR} ${YAML} --${KIND} ${OUT} RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "${GENERATOR} failed on ${YAML}")
endif()
if(NOT EXISTS ${COMMITTED})
  message(FATAL_ERROR "${COMMITTED} is missing: run cmake --build build --target regs-doc")
endif()
execute_process(COMMAND ${CMAKE_COMMAND} -E compare_files ${OUT} ${COMMITTED} RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "${COMMITTED} is out of date with ${YAML}: "
    "run cmake --build build --target regs-doc (and commit it)")
endif()
