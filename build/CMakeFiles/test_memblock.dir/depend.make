# Empty dependencies file for test_memblock.
# This may be replaced when dependencies are built.
