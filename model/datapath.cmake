# The golden model's datapath: flow key, hashes, EM table, TCAM, meters, actions and header
# transposition, RSS, and the pipeline that ties them together (docs/model.md).
target_sources(nicsim_model PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/src/dp/hash.cpp
  ${CMAKE_CURRENT_LIST_DIR}/src/dp/flow_key.cpp
  ${CMAKE_CURRENT_LIST_DIR}/src/dp/fast_parse.cpp
  ${CMAKE_CURRENT_LIST_DIR}/src/dp/em_table.cpp
  ${CMAKE_CURRENT_LIST_DIR}/src/dp/huge_pages.cpp
  ${CMAKE_CURRENT_LIST_DIR}/src/dp/tcam.cpp
  ${CMAKE_CURRENT_LIST_DIR}/src/dp/meter.cpp
  ${CMAKE_CURRENT_LIST_DIR}/src/dp/rss.cpp
  ${CMAKE_CURRENT_LIST_DIR}/src/dp/transpose.cpp
  ${CMAKE_CURRENT_LIST_DIR}/src/dp/pipeline.cpp
)
