"""`python -m bot --help`: the content team's command line (bot/contentkit/cli.py)."""
from bot.contentkit.cli import main

main()
