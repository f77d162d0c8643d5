"""Who may see and do what: the scope rules and one helper per object, for the web and the API alike."""
