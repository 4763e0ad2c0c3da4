"""The `yqwatch` command line (DESIGN §5): argparse in main.py, one module per group of commands.
It sits beside scheduler.py at the top layer and builds only what each command needs."""
