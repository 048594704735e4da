# lm extras: the reference comparison of the transformer's logits with an
# independent torch forward pass (tests/lm/torch_reference.py). It needs
# the warden command and Debian's python3 with torch and numpy; without them
# the script exits 77 and CTest reports the test as skipped.
if(WARDEN_BUILD_TESTS AND WARDEN_BUILD_CLI)
  set(WARDEN_REFERENCE_PYTHON /usr/bin/python3 CACHE FILEPATH "python with torch and numpy")
  add_test(NAME engine.torch_reference
           COMMAND ${WARDEN_REFERENCE_PYTHON} ${CMAKE_SOURCE_DIR}/tests/lm/torch_reference.py
                   $<TARGET_FILE:warden_cli>)
  set_tests_properties(engine.torch_reference PROPERTIES SKIP_RETURN_CODE 77 TIMEOUT 300)
endif()
