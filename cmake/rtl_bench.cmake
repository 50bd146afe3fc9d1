# RTL sources and a helper for per-block Verilator C++ benches (testbenches/rtl_*).
#
# NICSIM_RTL_SOURCES: the files of rtl/sources.f (the one source list of rtl/, also read by
#   scripts/lint.sh, synth-block.sh and yosys-elab.sh) in its order, packages first. An entry
#   marked `// generated` is the committed copy of a generated file: the build reads the
#   freshly generated file of the same name in NICSIM_RTL_GEN_DIR instead (nic_regs_pkg.sv
#   and nic_regfile.sv, generated at configure time and by nicsim_regs_gen, cmake/regs.cmake;
#   nic_fmt_pkg.sv by nicsim_fmt_gen, cmake/formats.cmake).
#   A generator of another such file writes it there too, at configure time, before this file
#   is included, and adds the target that regenerates it to NICSIM_RTL_GEN_TARGETS.
# NICSIM_RTL_GEN_TARGETS: the targets that regenerate the generated entries; every bench of
#   nicsim_verilate_block depends on them.
#
# nicsim_verilate_block(<target> TOP <module> PREFIX <class> [PARAMS NAME=VALUE ...]
#                       [TRACE] [SPEED] [EXTRA_SOURCES file.sv ...]
#                       [REPLACE rtl.sv stand-in.sv ...] [NETLIST netlist.v]
#                       [VERILATOR_ARGS option ...])
#   Verilates <module> (as C++, not SystemC) with the given parameters into <target> as the
#   model class <class> (e.g. Vem_table_w64); call it once per parameter set (DATA_W sweeps).
#   Lint warnings are errors here too (-Wall; waivers in rtl/lint_waivers.vlt).
#   Compiler options of the generated C++: -g1 (line tables for backtraces; full -g made the
#   FST trace functions of the NIC 150 s of compiling each, variable tracking over one huge
#   function) and -O1, which compiles 2 to 8 times faster than -O2 on Verilated code. SPEED:
#   a model whose simulation speed is measured (the NIC of sim/, scripts/bench.sh): its
#   per-clock code keeps the build type's optimization (-O2, and NICSIM_PGO's options, below),
#   only the code run once (construction, initial values: Verilator's "slow" files) is -O1.
#   Figures in docs/benches.md ("Build and suite time").
#   EXTRA_SOURCES: bench-only modules (e.g. a wrapper in testbenches/rtl_*), verilated after
#   the rtl/ sources. REPLACE <rtl file> <stand-in> ...: a file of rtl/ read from elsewhere
#   (a variant under test, a planted bug). NETLIST <file>: every module of rtl/ from this one
#   file instead (rtl/'s packages still read): a Yosys netlist of the design, e.g. nic_top
#   with the mutants of scripts/mutation.sh; lint and style warnings are off for it (Yosys'
#   names and widths are not what the waivers are written for), and so is UNOPTFLAT (a
#   mutant that XORs two bits of one signal makes a loop at the bit level); any other warning
#   (the netlist's parameter check, USERFATAL) is still an error. No FST tracing for it (TRACE
#   ignored: a third of the C++ Verilator writes for the netlist, and a campaign keeps no
#   waveforms); compiled -O1 -g0. VERILATOR_ARGS: more Verilator options for this
#   block (after NICSIM_VERILATOR_ARGS), e.g. --coverage-line for a bench of the coverage
#   tooling (testbenches/coverage).
#   The block's users see NICSIM_VM_COVERAGE=1 when it is Verilated with coverage (any
#   --coverage* option), else 0: code that writes the coverage data
#   (VerilatedContext::coveragep(), only linked then) is compiled only where it exists.
# NICSIM_VERILATOR_ARGS (cache, empty by default): more Verilator options for every block,
#   e.g. --prof-cfuncs for a profile (docs/perf-rtl.md) or --stats.
set(NICSIM_VERILATOR_ARGS "" CACHE STRING "extra Verilator options for every Verilated block")
# NICSIM_PGO (cache: off, generate or use; off by default): GCC's profile-guided optimization
#   of the SPEED models (the NIC of sim/): `generate` instruments their C++ (a program linking
#   them writes profiles to NICSIM_PGO_DIR when it exits), `use` compiles it with the profiles
#   found there. scripts/build.sh --pgo runs both with a training run between them
#   (docs/perf-rtl.md, step 8). A profile of other RTL does not fail the build: GCC warns
#   (coverage-mismatch) and compiles what changed without it.
set(NICSIM_PGO "off" CACHE STRING "profile-guided optimization of the SPEED models: off, generate, use")
set_property(CACHE NICSIM_PGO PROPERTY STRINGS off generate use)
if(NOT NICSIM_PGO MATCHES "^(off|generate|use)$")
  message(FATAL_ERROR "NICSIM_PGO is '${NICSIM_PGO}': off, generate or use")
endif()
set(NICSIM_PGO_DIR "${CMAKE_BINARY_DIR}/pgo" CACHE PATH "profiles of NICSIM_PGO")
separate_arguments(_nicsim_verilator_extra UNIX_COMMAND "${NICSIM_VERILATOR_ARGS}")
set(NICSIM_RTL_DIR ${CMAKE_SOURCE_DIR}/rtl)
set(NICSIM_RTL_MANIFEST ${NICSIM_RTL_DIR}/sources.f)
set(NICSIM_RTL_GEN_DIR ${CMAKE_BINARY_DIR}/generated/rtl)
list(APPEND NICSIM_RTL_GEN_TARGETS nicsim_regs_gen)
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${NICSIM_RTL_MANIFEST})
file(STRINGS ${NICSIM_RTL_MANIFEST} _nicsim_rtl_lines)
set(NICSIM_RTL_SOURCES)
set(_nicsim_rtl_n 0)
foreach(_l IN LISTS _nicsim_rtl_lines)
  math(EXPR _nicsim_rtl_n "${_nicsim_rtl_n} + 1")
  if(_l MATCHES "^[ \t]*(//.*)?$")
    continue()  # blank or comment
  endif()
  if(NOT _l MATCHES "^[ \t]*([^ \t/][^ \t]*\\.sv)[ \t]*(//[ \t]*(generated)?.*)?$")
    message(FATAL_ERROR "${NICSIM_RTL_MANIFEST}:${_nicsim_rtl_n}: not one path to an .sv file")
  endif()
  if(CMAKE_MATCH_3)
    cmake_path(GET CMAKE_MATCH_1 FILENAME _f)
    set(_f ${NICSIM_RTL_GEN_DIR}/${_f})
  else()
    set(_f ${NICSIM_RTL_DIR}/${CMAKE_MATCH_1})
  endif()
  if(NOT EXISTS ${_f})
    message(FATAL_ERROR "${NICSIM_RTL_MANIFEST}:${_nicsim_rtl_n}: no ${_f}")
  endif()
  list(APPEND NICSIM_RTL_SOURCES ${_f})
endforeach()
foreach(_f IN ITEMS ${NICSIM_REGS_SV} ${NICSIM_FMT_SV} ${NICSIM_REGS_REGFILE})
  if(NOT _f IN_LIST NICSIM_RTL_SOURCES)
    message(FATAL_ERROR "${NICSIM_RTL_MANIFEST} does not name the generated ${_f}")
  endif()
endforeach()

# nicsim_verilated_rt: one copy of Verilator's runtime (verilated.cpp, its thread pool and the
# FST writer) for every Verilated block. verilate() adds these files to each target it is
# called on, so every bench compiled its own (about 9 CPU-s each, 24 targets);
# nicsim_verilate_block takes them out of the target and links this library instead. They do
# not depend on the VM_* switches verilate() sets per target (VM_SC, the one that matters,
# is 0: no block is Verilated for SystemC); the coverage runtime (verilated_cov.cpp, only
# with --coverage) stays with its target. Its users get Verilator's headers (as system
# headers: no warnings from them in code built with NICSIM_WARNINGS) and zlib through it.
find_package(Threads REQUIRED)
find_package(ZLIB REQUIRED)  # the FST writer
add_library(nicsim_verilated_rt STATIC
  ${VERILATOR_ROOT}/include/verilated.cpp
  ${VERILATOR_ROOT}/include/verilated_threads.cpp
  ${VERILATOR_ROOT}/include/verilated_fst_c.cpp)
target_include_directories(nicsim_verilated_rt SYSTEM PUBLIC
  ${VERILATOR_ROOT}/include ${VERILATOR_ROOT}/include/vltstd)
target_compile_definitions(nicsim_verilated_rt PRIVATE
  VM_SC=0 VM_COVERAGE=0 VM_TRACE=1 VM_TRACE_FST=1 VM_TRACE_VCD=0)
target_link_libraries(nicsim_verilated_rt PUBLIC ZLIB::ZLIB Threads::Threads)
set(_nicsim_verilated_rt_files verilated.cpp verilated_threads.cpp verilated_fst_c.cpp)

function(nicsim_verilate_block target)
  cmake_parse_arguments(A "TRACE;SPEED" "TOP;PREFIX;NETLIST" "PARAMS;EXTRA_SOURCES;REPLACE;VERILATOR_ARGS"
    ${ARGN})
  set(_sources ${NICSIM_RTL_SOURCES})
  set(_lint -Wall)
  if(A_NETLIST)
    set(_sources)
    foreach(_f IN LISTS NICSIM_RTL_SOURCES)
      file(STRINGS ${_f} _pkg REGEX "^package ")
      if(_pkg)
        list(APPEND _sources ${_f})
      endif()
    endforeach()
    list(APPEND _sources ${A_NETLIST})
    set(_lint -Wno-lint -Wno-style -Wno-UNOPTFLAT)
  endif()
  while(A_REPLACE)  # pairs: a file of rtl/ and the file that stands in for it
    list(POP_FRONT A_REPLACE _orig _new)
    list(FIND _sources ${_orig} _i)
    if(_i EQUAL -1 OR NOT _new)
      message(FATAL_ERROR "nicsim_verilate_block(${target}): REPLACE ${_orig}: not an rtl/ source")
    endif()
    list(REMOVE_AT _sources ${_i})
    list(INSERT _sources ${_i} ${_new})
  endwhile()
  set(_g)
  foreach(_p IN LISTS A_PARAMS)
    list(APPEND _g -G${_p})
  endforeach()
  set(_trace)
  if(A_TRACE AND NOT A_NETLIST)
    set(_trace TRACE_FST)
  endif()
  set(_opt_fast -O1 -g1)
  if(A_SPEED)
    set(_opt_fast -g1)
    if(NICSIM_PGO STREQUAL "generate")
      list(APPEND _opt_fast -fprofile-generate=${NICSIM_PGO_DIR} -fprofile-update=single)
    elseif(NICSIM_PGO STREQUAL "use")
      list(APPEND _opt_fast -fprofile-use=${NICSIM_PGO_DIR} -fprofile-partial-training
        -Wno-missing-profile -Wno-error=coverage-mismatch)
    endif()
  endif()
  verilate(${target} ${_trace}
    OPT_FAST ${_opt_fast}
    OPT_SLOW -O1 -g1
    PREFIX ${A_PREFIX}
    TOP_MODULE ${A_TOP}
    SOURCES ${NICSIM_RTL_DIR}/lint_waivers.vlt ${_sources} ${A_EXTRA_SOURCES}
    VERILATOR_ARGS ${_lint} ${_g} --no-timing -O3 --x-assign fast --x-initial fast
    ${_nicsim_verilator_extra} ${A_VERILATOR_ARGS})
  get_target_property(_srcs ${target} SOURCES)
  foreach(_f IN LISTS _nicsim_verilated_rt_files)
    list(REMOVE_ITEM _srcs ${VERILATOR_ROOT}/include/${_f})
  endforeach()
  set_property(TARGET ${target} PROPERTY SOURCES ${_srcs})
  target_link_libraries(${target} PUBLIC nicsim_verilated_rt)
  if(A_SPEED AND NICSIM_PGO STREQUAL "generate")
    target_link_options(${target} INTERFACE -fprofile-generate=${NICSIM_PGO_DIR})
  endif()
  if(A_NETLIST)
    # Yosys' netlist of nic_top Verilates to tens of MB of C++ (the first one, with tracing:
    # 176 MB, ~40 minutes at -O2 -g on two busy cores): -O1 for all of it, SPEED or not (the
    # model's speed at -O1 against -O2 is not measured).
    target_compile_options(${target} PRIVATE -O1)
  endif()
  target_compile_definitions(${target} PUBLIC
    NICSIM_VM_COVERAGE=$<BOOL:$<TARGET_PROPERTY:${target},VERILATOR_COVERAGE>>)
  target_include_directories(${target} SYSTEM PRIVATE
    ${CMAKE_CURRENT_BINARY_DIR}/CMakeFiles/${target}.dir/${A_PREFIX}.dir)
  add_dependencies(${target} ${NICSIM_RTL_GEN_TARGETS})
endfunction()
