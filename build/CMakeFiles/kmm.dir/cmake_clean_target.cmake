file(REMOVE_RECURSE
  "libkmm.a"
)
