# Empty dependencies file for kmm_cli.
# This may be replaced when dependencies are built.
