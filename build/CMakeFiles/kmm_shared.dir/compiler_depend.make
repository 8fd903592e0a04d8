# Empty compiler generated dependencies file for kmm_shared.
# This may be replaced when dependencies are built.
