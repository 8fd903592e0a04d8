# Empty dependencies file for test_bootmem.
# This may be replaced when dependencies are built.
