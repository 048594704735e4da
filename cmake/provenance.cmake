# Provenance module extras. The index builds suffix arrays with the 32-bit
# libdivsufsort for shards whose encoding stays under 2 GiB (half the memory
# of libdivsufsort64, which the main CMakeLists.txt links for larger ones).
find_library(WARDEN_DIVSUFSORT32_LIB divsufsort REQUIRED)
target_link_libraries(warden PUBLIC ${WARDEN_DIVSUFSORT32_LIB})
