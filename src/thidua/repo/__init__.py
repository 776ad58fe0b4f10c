"""The data repository: opening years, formatting, importing, git, new years, scaffolding."""
