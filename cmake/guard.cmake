# Guardrails: where the lexicons, evaluation data, committed gazetteer and
# shipped policies live by default (data files are read at run time and never
# committed; $WARDEN_DATA_DIR wins). Set on the files that need them only, so
# the rest of the library keeps its compile flags.
set_source_files_properties(
  ${CMAKE_SOURCE_DIR}/src/guard/lexicon_data.cc
  ${CMAKE_SOURCE_DIR}/src/guard/pii_validators.cc
  ${CMAKE_SOURCE_DIR}/src/guard/policy_parse.cc
  PROPERTIES COMPILE_DEFINITIONS
  "WARDEN_DEFAULT_DATA_DIR=\"${CMAKE_SOURCE_DIR}/../shared/data\";WARDEN_DEFAULT_MODELS_DIR=\"${CMAKE_SOURCE_DIR}/models\";WARDEN_DEFAULT_POLICIES_DIR=\"${CMAKE_SOURCE_DIR}/policies\"")
