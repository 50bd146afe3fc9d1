# ctest regs_doc_up_to_date: regenerate registers.md from rtl/regs.yaml into OUT and compare
# it with the committed docs/registers.md.
# cmake -DPYTHON= -DGENERATOR= -DYAML= -DCOMMITTED= -DOUT= -P check_doc.cmake
execute_process(COMMAND ${PYTHON} ${GENERATOR} ${YAML} --md ${OUT} RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "the register-map generator failed on ${YAML}")
endif()
if(NOT EXISTS ${COMMITTED})
  message(FATAL_ERROR "${COMMITTED} is missing: run cmake --build build --target regs-doc")
endif()
execute_process(COMMAND ${CMAKE_COMMAND} -E compare_files ${OUT} ${COMMITTED} RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "${COMMITTED} is out of date with ${YAML}: "
    "run cmake --build build --target regs-doc (and commit docs/registers.md)")
endif()
