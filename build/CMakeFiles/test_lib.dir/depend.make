# Empty dependencies file for test_lib.
# This may be replaced when dependencies are built.
