# Empty dependencies file for kmm_obj.
# This may be replaced when dependencies are built.
