# Empty dependencies file for kmm.
# This may be replaced when dependencies are built.
