from scope_gap.cli import run

run()
