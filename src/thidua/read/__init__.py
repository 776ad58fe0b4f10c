"""Reading a year's files: YAML with positions, spellings, validated models. Never prints."""
